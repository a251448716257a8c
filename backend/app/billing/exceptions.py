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
    """The invoice cannot receive a credit note: a draft, or already credited in full."""

    code = "invoice_not_creditable"
    action = "Credit only an issued, overdue or paid invoice that still has something creditable."
    message = "Only an issued, overdue or paid invoice with something left to credit can receive a credit note."


class CreditNotePdfIntegrityError(AppError):
    """The stored credit note PDF no longer matches the SHA-256 recorded when it was issued."""

    action = "Report it with the correlation id: the stored document must be investigated, not served."
    status_code = 500
    code = "credit_note_pdf_integrity_error"
    message = "The stored credit note PDF does not match its recorded SHA-256; it was not served."


class CreditExceedsCreditable(BusinessValidationError):
    """The credit note would credit more than what is still creditable on the invoice."""

    code = "credit_exceeds_creditable"
    message = "A credit note cannot credit more than what is still creditable on the invoice."
    action = "Credit at most the creditable amount the message names (excl. tax); reload the invoice first."

    def __init__(self, loc: list[str | int], creditable: Decimal) -> None:
        super().__init__(
            loc,
            f"A credit note cannot credit more than what is still creditable on the invoice ({creditable:.2f} "
            "excl. tax).",
            type_=self.code,
        )


class CreditNoteLineInvalid(BusinessValidationError):
    """A chosen line cannot be credited (not a line of this invoice, chosen twice, or fully credited)."""

    code = "credit_note_line_invalid"
    action = "Choose lines of this invoice that still have something to credit, each once."

    def __init__(self, index: int, message: str) -> None:
        super().__init__(["body", "line_ids", index], message, type_=self.code)


class CreditNoteImmutable(Conflict):
    """An issued credit note, its lines and its PDF cannot change."""

    code = "credit_note_immutable"
    message = "An issued credit note and its PDF cannot change."
    action = "Do not retry; a further correction is another credit note."


class PeriodTooFarAhead(BusinessValidationError):
    """A billing run would bill a period that starts beyond the configured number of months ahead."""

    code = "period_too_far_ahead"
    action = "Bill a period that starts no later than the date the message names."

    def __init__(self, msg: str) -> None:
        super().__init__(["body", "period_start"], msg, type_=self.code)
