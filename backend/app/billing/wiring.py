"""What billing registers when the application is wired (called by app.wiring.wire): its constraint
answers, its client-history check, and the billed-period readers contracts asks before a back-dated change
(contracts cannot import billing)."""

from __future__ import annotations

from app.billing import credit_notes, service, settlement
from app.billing.exceptions import CreditNoteImmutable, InvoiceImmutable, InvoiceNotCreditable
from app.contracts import billed_periods
from app.customers import history
from app.errors import register_constraint_error


def wire() -> None:
    register_constraint_error("invoice_immutable", InvoiceImmutable)
    register_constraint_error("invoice_lines_immutable", InvoiceImmutable)
    register_constraint_error("invoice_document_immutable", InvoiceImmutable)
    register_constraint_error("credit_note_immutable", CreditNoteImmutable)
    register_constraint_error("ck_invoices_credited_within_total", InvoiceNotCreditable)
    register_constraint_error(
        "ck_invoices_paid_within_total",
        settlement.Overpayment,
        field="amount",
        message="The payment would exceed the invoice's outstanding amount.",
    )
    history.client_history_checks.register("invoice", service._client_has_invoices)
    history.outstanding_balance_checks.register("invoice", service.client_has_outstanding_invoices)
    billed_periods.billed_through_readers.register("invoice", service.billed_through)
    billed_periods.activation_billed_readers.register("invoice", service.activation_billed)
    billed_periods.billed_days_correctors.register("invoice", credit_notes.correct_billed_days)
