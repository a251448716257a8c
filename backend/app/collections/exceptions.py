from __future__ import annotations

from datetime import date, datetime
from typing import Any

from app.billing.settlement import InvoiceNotPayable
from app.billing.settlement import Overpayment as Overpayment
from app.errors import BusinessValidationError, Conflict, NotFound, field_problem


class PaymentNotFound(NotFound):
    message = "Payment not found."


class CaseNotFound(NotFound):
    message = "Collection case not found."


class InvoiceNotFound(NotFound):
    message = "Invoice not found."


class AllocationMismatch(BusinessValidationError):
    """The allocations of a payment do not add up to its amount."""

    code = "allocation_mismatch"
    action = "Make the allocations add up to the payment amount, or send no allocations."

    def __init__(self, amount: Any, allocated: Any) -> None:
        super().__init__(
            ["body", "allocations"],
            f"The allocations add up to {allocated:.2f}, not the payment amount {amount:.2f}.",
            type_="allocation_mismatch",
        )


class UnknownPaymentClient(BusinessValidationError):
    """No live client has the client_id of the payment."""

    code = "client_not_found"
    action = "Choose an existing, non-anonymised client."

    def __init__(self) -> None:
        super().__init__(["body", "client_id"], "No live client has this id.")


class InvoiceOfAnotherClient(BusinessValidationError):
    """An allocation names an invoice of another client."""

    code = "invoice_of_another_client"
    action = "Allocate only to invoices of the paying client."

    def __init__(self, index: int) -> None:
        super().__init__(["body", "allocations", index, "invoice_id"], "This invoice belongs to another client.")


class UnknownAllocationInvoice(BusinessValidationError):
    """An allocation names an invoice that does not exist."""

    code = "invoice_not_found"
    action = "Correct the invoice id named in loc."

    def __init__(self, index: int) -> None:
        super().__init__(["body", "allocations", index, "invoice_id"], "No invoice has this id.")


class AllocationInvoiceNotPayable(BusinessValidationError):
    """An allocation names an invoice that cannot receive money (draft, paid or cancelled)."""

    code = "invoice_not_payable"
    action = "Allocate only to issued or overdue invoices with an outstanding amount."

    def __init__(self, index: int, status: str) -> None:
        super().__init__(["body", "allocations", index, "invoice_id"], f"A {status} invoice cannot receive a payment.")


class ReceivedInFuture(BusinessValidationError):
    def __init__(self) -> None:
        super().__init__(["body", "received_at"], "received_at cannot be in the future.")


class ReceivedBeforeClient(BusinessValidationError):
    """A payment dated before its client existed: no money can have been received from it then."""

    code = "received_before_client"
    action = "Correct received_at to the day the money was really received."

    def __init__(self, client_since: datetime) -> None:
        super().__init__(
            ["body", "received_at"],
            f"received_at is before the client existed ({client_since.isoformat()}): no money can have been "
            "received from it then.",
            type_=self.code,
        )


class PossibleDuplicatePayment(Conflict):
    """The same money seems to be recorded twice (two keys for one bank line): confirm it on purpose."""

    code = "possible_duplicate_payment"
    action = 'Check the bank line; resend with "confirm_duplicate": true only if it is really a second payment.'

    def __init__(self, existing_id: object) -> None:
        message = (
            "A payment with the same client, reference, amount and day is already recorded. Send "
            '"confirm_duplicate": true if this is really a second payment.'
        )
        super().__init__(
            message,
            details=[
                field_problem(["body", "reference"], message, type_=self.code, existing_payment_id=str(existing_id))
            ],
        )


class InvoiceAlreadyPaid(Conflict):
    """The invoice is already paid in full."""

    code = "invoice_already_paid"
    message = "The invoice is already paid."
    action = "Nothing to do: reload the invoice to show its paid status."


class InvoiceNotPayableConflict(InvoiceNotPayable):
    message = "Only an issued or overdue invoice can be approved as paid."


class InvalidTransition(Conflict):
    """The collection case cannot move from its current status to the one asked."""

    code = "invalid_transition"
    action = "Reload the case and offer only the transitions allowed from its current status."

    def __init__(self, current: str, target: str) -> None:
        super().__init__(
            f"A case cannot go from {current} to {target}.",
            details=[field_problem(["body", "status"], f"not allowed from {current}", type_="invalid_transition")],
        )


class CaseHasOverdueBalance(Conflict):
    """The case cannot be resolved by hand while the client still has overdue invoices."""

    code = "case_has_overdue_balance"
    message = "The client still has overdue invoices: the case resolves itself when they are paid."
    action = "Record the payments; the case resolves itself when nothing is overdue."


class CaseClosed(Conflict):
    """The case is resolved or written off."""

    code = "case_closed"
    message = "The case is resolved or written off; no more actions can be recorded on it."
    action = "Do not record actions on a closed case; open the client's current case instead."


class PromisedDateInPast(BusinessValidationError):
    def __init__(self) -> None:
        super().__init__(["body", "promised_date"], "The promised date cannot be in the past.")


class EvaluationInProgress(Conflict):
    """Another collections evaluation holds the evaluation lock."""

    code = "evaluation_in_progress"
    message = "A collections evaluation is already running; retry when it has finished."
    action = "Retry after a short while."


class EvaluationBeforeLastDay(Conflict):
    """Evaluations only move forward in time: an earlier day would move cases' days past due backwards."""

    code = "evaluation_before_last_evaluated_day"
    action = "Evaluate the last evaluated day or a later one."

    def __init__(self, requested: date, last_evaluated: date) -> None:
        message = (
            f"Collections were last evaluated for {last_evaluated.isoformat()}; an evaluation for "
            f"{requested.isoformat()} would move cases back in time. Evaluate that day or a later one."
        )
        super().__init__(
            message,
            details=[
                field_problem(["body", "as_of"], message, type_=self.code, last_evaluated_on=last_evaluated.isoformat())
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
    """A refund would pay back more than the client's credit balance."""

    code = "refund_exceeds_credit_balance"
    action = "Refund at most the client's credit balance the message names."

    def __init__(self, balance: object) -> None:
        super().__init__(
            ["body", "amount"],
            f"A refund pays back at most the client's credit balance ({balance}).",
            type_=self.code,
        )
