from __future__ import annotations

from app.errors import AppError, Conflict, NotFound, RateLimited


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


class SubscriptionRefused(Conflict):
    """One answer for every refusal that would otherwise say something about the CIN's holder (a client of
    another name, a terminated client, an existing client without a verified one-time code), so that the
    public submit cannot be used to learn who is a client."""

    action = "Ask the visitor to contact customer service."
    code = "subscription_refused"
    message = "This subscription cannot be completed online. Contact customer service."


class LegalTextOutdated(Conflict):
    """A legal text was accepted in a version that is no longer the current one (the texts changed while
    the visitor was on the page); details name the field."""

    action = "Load bootstrap again, show the current texts and ask the visitor to accept them, then resend."
    code = "legal_text_outdated"
    message = "The legal texts changed since they were shown; read and accept the current ones."


class LandingCinLimit(RateLimited):
    """The daily number of lines that may be added online for one CIN is reached."""

    action = "Retry after Retry-After (the next UTC day), or subscribe in a shop."
    code = "landing_cin_limit"
    message = "The lines that can be added online for this CIN today are used up; retry tomorrow or visit a shop."


class CinVerificationLocked(RateLimited):
    """Too many CIN verifications in the window: the CIN is locked out for a while."""

    action = "Retry after Retry-After, or contact customer service (the message says how)."
    code = "cin_verification_locked"
    message = "Too many verifications for this CIN."


class InvalidOneTimeCode(AppError):
    """The one-time code is wrong, expired or out of tries."""

    status_code = 401
    action = "Verify the CIN again to receive a new code."
    code = "invalid_otp"
    message = "The code is wrong, expired or used up; verify the CIN again to receive a new code."


class OneTimeCodeRequired(AppError):
    """The verification policy needs a verified one-time code before this step."""

    status_code = 401
    action = "Call verify-otp with the code, then use the verified token."
    code = "otp_required"
    message = "This lookup token is not verified yet: enter the code sent to the contact on file."


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
