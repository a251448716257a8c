from __future__ import annotations

from app.errors import AppError, Conflict, NotFound


class InvalidLookupToken(AppError):
    status_code = 401
    code = "invalid_lookup_token"
    message = "The lookup token is invalid or expired; verify the CIN again."


class InvalidDocumentToken(AppError):
    status_code = 401
    code = "invalid_document_token"
    message = "The document link is invalid or expired; ask for a new link."


class DocumentTokenMismatch(AppError):
    status_code = 403
    code = "document_token_mismatch"
    message = "This document link opens another document."


class DraftNotFound(NotFound):
    code = "draft_not_found"
    message = "No such draft."


class DraftExpired(AppError):
    status_code = 410
    code = "draft_expired"
    message = "This draft has expired; start a new one."


class DraftAlreadySubmitted(Conflict):
    code = "draft_already_submitted"
    message = "This draft was already submitted."


class ClientIdentityMismatch(Conflict):
    code = "client_identity_mismatch"
    message = (
        "A client with this CIN already exists under another name; the landing cannot change it. "
        "Contact customer service."
    )


class LandingContractNotFound(NotFound):
    code = "contract_not_found"
    message = "No such contract for this CIN."


class LandingInvoiceNotFound(NotFound):
    code = "invoice_not_found"
    message = "No such invoice."


class DocumentNotAvailable(NotFound):
    code = "document_not_available"
    message = "The document is not available yet."
