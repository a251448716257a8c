"""Billing errors with their stable codes."""

from __future__ import annotations

from decimal import Decimal

from app.errors import AppError, BusinessValidationError, Conflict, NotFound


class BillingRunNotFound(NotFound):
    message = "Billing run not found."


class InvoiceNotFound(NotFound):
    message = "Invoice not found."


class BillingRunNotDiscardable(Conflict):
    """Only a finished dry run can be discarded, once."""

    action = "Do not retry; issued invoices are corrected by credit notes."
    code = "billing_run_not_discardable"
    message = "Only a finished dry run can be discarded, once; issued invoices are corrected by credit notes."


class InvoicePdfNotReady(Conflict):
    """The invoice's PDF is still being rendered by the worker."""

    action = "Retry after a few seconds."
    code = "invoice_pdf_not_ready"
    message = "The PDF of this invoice is not rendered yet; retry shortly."


class InvoicePdfUnavailable(Conflict):
    """A draft invoice has no PDF; only issued invoices are rendered."""

    action = "Wait until the invoice is issued; drafts have no PDF."
    code = "invoice_pdf_unavailable"
    message = "A draft invoice has no PDF; only issued invoices are rendered."


class InvoicePdfIntegrityError(AppError):
    """The stored PDF does not match its recorded SHA-256; it was not served."""

    action = "Report the correlation_id to support; the PDF must be re-rendered."
    status_code = 500
    code = "invoice_pdf_integrity_error"
    message = "The stored PDF does not match its recorded SHA-256; it was not served."


class InvoiceImmutable(Conflict):
    """An issued invoice and its lines cannot change."""

    action = "Do not retry; corrections are made with a credit note."
    code = "invoice_immutable"
    message = "An issued invoice cannot be changed; corrections are made with a credit note."


class CreditNoteNotFound(NotFound):
    message = "Credit note not found."


class InvoiceNotCreditable(Conflict):
    code = "invoice_not_creditable"
    message = "Only an issued, overdue or paid invoice with something left to credit can receive a credit note."


class CreditNotePdfIntegrityError(AppError):
    status_code = 500
    code = "credit_note_pdf_integrity_error"
    message = "The stored credit note PDF does not match its recorded SHA-256; it was not served."


class CreditExceedsCreditable(BusinessValidationError):
    code = "credit_exceeds_creditable"
    message = "Credit exceeds creditable."

    def __init__(self, loc: list[str | int], creditable: Decimal) -> None:
        super().__init__(
            loc,
            f"A credit note cannot credit more than what is still creditable on the invoice ({creditable:.2f} "
            "excl. tax).",
        )


class CreditNoteLineInvalid(BusinessValidationError):
    code = "credit_note_line_invalid"
    message = "Credit note line invalid."

    def __init__(self, index: int, message: str) -> None:
        super().__init__(["body", "line_ids", index], message)


class CreditNoteImmutable(Conflict):
    code = "credit_note_immutable"
    message = "An issued credit note and its PDF cannot change."


class PeriodTooFarAhead(BusinessValidationError):
    """Invoices for a service that has not started go overdue and trigger dunning for nothing."""

    code = "period_too_far_ahead"
    message = "The billing period starts too far ahead."

    def __init__(self, latest: object, months_ahead: int) -> None:
        super().__init__(
            ["body", "period_start"],
            f"A billing period may start on {latest} at the latest ({months_ahead} calendar month(s) ahead).",
        )
