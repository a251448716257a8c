from __future__ import annotations

from app.errors import AppError, Conflict, NotFound


class InvalidLookupToken(AppError):
    """The CIN lookup token is missing, expired, tampered with, or issued for another CIN."""

    action = "Verify the CIN again (POST /api/v1/landing/verify-cin) to get a fresh token."
    status_code = 401
    code = "invalid_lookup_token"
    message = "The lookup token is invalid or expired; verify the CIN again."


class InvalidDocumentToken(AppError):
    """The document link token is invalid or expired."""

    action = "Ask for a new document link."
    status_code = 401
    code = "invalid_document_token"
    message = "The document link is invalid or expired; ask for a new link."


class DocumentTokenMismatch(AppError):
    """The document link was issued for another document."""

    action = "Use the link given for this document."
    status_code = 403
    code = "document_token_mismatch"
    message = "This document link opens another document."


class DraftNotFound(NotFound):
    """No landing draft has this id (or it was purged)."""

    action = "Start a new draft."
    code = "draft_not_found"
    message = "No such draft."


class DraftExpired(AppError):
    """The landing draft has expired."""

    action = "Start a new draft; the answers of the old one are gone."
    status_code = 410
    code = "draft_expired"
    message = "This draft has expired; start a new one."


class DraftAlreadySubmitted(Conflict):
    """The draft was already submitted."""

    action = "Show the result of the first submission; do not submit again."
    code = "draft_already_submitted"
    message = "This draft was already submitted."


class ClientIdentityMismatch(Conflict):
    """A client with this CIN exists under another name; the landing cannot change it."""

    action = "Ask the visitor to contact customer service."
    code = "client_identity_mismatch"
    message = (
        "A client with this CIN already exists under another name; the landing cannot change it. "
        "Contact customer service."
    )


class LandingContractNotFound(NotFound):
    """No contract of the verified CIN has this id."""

    action = "Reload the list of the CIN's contracts."
    code = "contract_not_found"
    message = "No such contract for this CIN."


class LandingInvoiceNotFound(NotFound):
    """No invoice of the verified CIN has this id."""

    action = "Reload the list of the CIN's invoices."
    code = "invoice_not_found"
    message = "No such invoice."


class DocumentNotAvailable(NotFound):
    """The document is not rendered yet."""

    action = "Retry after a few seconds."
    code = "document_not_available"
    message = "The document is not available yet."
