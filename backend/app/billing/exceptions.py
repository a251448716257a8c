"""Billing errors with their stable codes."""

from __future__ import annotations

from app.errors import AppError, Conflict, NotFound


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
