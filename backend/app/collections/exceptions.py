from __future__ import annotations

from datetime import date, datetime
from typing import Any

from app.errors import BusinessValidationError, Conflict, NotFound


class PaymentNotFound(NotFound):
    message = "Payment not found."


class CaseNotFound(NotFound):
    message = "Collection case not found."


class InvoiceNotFound(NotFound):
    message = "Invoice not found."


class Overpayment(BusinessValidationError):
    """The money would exceed what is owed: an invoice's outstanding amount or the client's total."""

    def __init__(self, loc: list[str | int], msg: str) -> None:
        super().__init__(loc, msg, code="overpayment", type_="overpayment")


class AllocationMismatch(BusinessValidationError):
    def __init__(self, amount: Any, allocated: Any) -> None:
        super().__init__(
            ["body", "allocations"],
            f"The allocations add up to {allocated:.2f}, not the payment amount {amount:.2f}.",
            code="allocation_mismatch",
            type_="allocation_mismatch",
        )


class UnknownPaymentClient(BusinessValidationError):
    def __init__(self) -> None:
        super().__init__(["body", "client_id"], "No live client has this id.", code="client_not_found")


class InvoiceOfAnotherClient(BusinessValidationError):
    def __init__(self, index: int) -> None:
        super().__init__(
            ["body", "allocations", index, "invoice_id"],
            "This invoice belongs to another client.",
            code="invoice_of_another_client",
        )


class UnknownAllocationInvoice(BusinessValidationError):
    def __init__(self, index: int) -> None:
        super().__init__(
            ["body", "allocations", index, "invoice_id"], "No invoice has this id.", code="invoice_not_found"
        )


class AllocationInvoiceNotPayable(BusinessValidationError):
    def __init__(self, index: int, status: str) -> None:
        super().__init__(
            ["body", "allocations", index, "invoice_id"],
            f"A {status} invoice cannot receive a payment.",
            code="invoice_not_payable",
        )


class ReceivedInFuture(BusinessValidationError):
    def __init__(self) -> None:
        super().__init__(["body", "received_at"], "received_at cannot be in the future.", code="validation_error")


class ReceivedBeforeClient(BusinessValidationError):
    def __init__(self, client_since: datetime) -> None:
        super().__init__(
            ["body", "received_at"],
            f"received_at is before the client existed ({client_since.isoformat()}): no money can have been "
            "received from it then.",
            code="received_before_client",
        )


class PossibleDuplicatePayment(Conflict):
    """The same money seems to be recorded twice (two keys for one bank line): confirm it on purpose."""

    code = "possible_duplicate_payment"

    def __init__(self, existing_id: object) -> None:
        message = (
            "A payment with the same client, reference, amount and day is already recorded. Send "
            '"confirm_duplicate": true if this is really a second payment.'
        )
        super().__init__(
            message,
            details=[
                {
                    "loc": ["body", "reference"],
                    "msg": message,
                    "type": self.code,
                    "existing_payment_id": str(existing_id),
                }
            ],
        )


class InvoiceAlreadyPaid(Conflict):
    code = "invoice_already_paid"
    message = "The invoice is already paid."


class InvoiceNotPayableConflict(Conflict):
    code = "invoice_not_payable"
    message = "Only an issued or overdue invoice can be approved as paid."


class InvalidTransition(Conflict):
    code = "invalid_transition"

    def __init__(self, current: str, target: str) -> None:
        super().__init__(
            f"A case cannot go from {current} to {target}.",
            details=[{"loc": ["body", "status"], "msg": f"not allowed from {current}", "type": "invalid_transition"}],
        )


class CaseHasOverdueBalance(Conflict):
    code = "case_has_overdue_balance"
    message = "The client still has overdue invoices: the case resolves itself when they are paid."


class CaseClosed(Conflict):
    code = "case_closed"
    message = "The case is resolved or written off; no more actions can be recorded on it."


class PromisedDateInPast(BusinessValidationError):
    def __init__(self) -> None:
        super().__init__(["body", "promised_date"], "The promised date cannot be in the past.")


class EvaluationInProgress(Conflict):
    code = "evaluation_in_progress"
    message = "A collections evaluation is already running; retry when it has finished."


class EvaluationBeforeLastDay(Conflict):
    """Evaluations only move forward in time: an earlier day would move cases' days past due backwards."""

    code = "evaluation_before_last_evaluated_day"

    def __init__(self, requested: date, last_evaluated: date) -> None:
        message = (
            f"Collections were last evaluated for {last_evaluated.isoformat()}; an evaluation for "
            f"{requested.isoformat()} would move cases back in time. Evaluate that day or a later one."
        )
        super().__init__(
            message,
            details=[
                {
                    "loc": ["body", "as_of"],
                    "msg": message,
                    "type": self.code,
                    "last_evaluated_on": last_evaluated.isoformat(),
                }
            ],
        )


class InvalidPeriod(BusinessValidationError):
    """The last day of a date range is before its first day (`end_field` names the query parameter)."""

    def __init__(self, end_field: str = "period_end", start_field: str = "period_start") -> None:
        super().__init__(["query", end_field], f"{end_field} is before {start_field}.")


class EvaluationDayInFuture(BusinessValidationError):
    def __init__(self) -> None:
        super().__init__(
            ["body", "as_of"],
            "An evaluation cannot be run for a day still to come: it would mark invoices overdue and send "
            "dunning notices before they are due.",
        )


class RefundExceedsCreditBalance(BusinessValidationError):
    def __init__(self, balance: object) -> None:
        super().__init__(
            ["body", "amount"],
            f"A refund pays back at most the client's credit balance ({balance}).",
            code="refund_exceeds_credit_balance",
        )
