from __future__ import annotations

from app.errors import AppError, Conflict, NotFound, RateLimited


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


class SubscriptionRefused(Conflict):
    """One answer for every refusal that would otherwise say something about the CIN's holder (a client of
    another name, a terminated client, an existing client without a verified one-time code), so that the
    public submit cannot be used to learn who is a client."""

    code = "subscription_refused"
    message = "This subscription cannot be completed online. Contact customer service."


class LandingCinLimit(RateLimited):
    code = "landing_cin_limit"
    message = "The lines that can be added online for this CIN today are used up; retry tomorrow or visit a shop."


class CinVerificationLocked(RateLimited):
    code = "cin_verification_locked"
    message = "Too many verifications for this CIN."


class InvalidOneTimeCode(AppError):
    status_code = 401
    code = "invalid_otp"
    message = "The code is wrong, expired or used up; verify the CIN again to receive a new code."


class OneTimeCodeRequired(AppError):
    status_code = 401
    code = "otp_required"
    message = "This lookup token is not verified yet: enter the code sent to the contact on file."


class LandingContractNotFound(NotFound):
    code = "contract_not_found"
    message = "No such contract for this CIN."


class LandingInvoiceNotFound(NotFound):
    code = "invoice_not_found"
    message = "No such invoice."


class DocumentNotAvailable(NotFound):
    code = "document_not_available"
    message = "The document is not available yet."
