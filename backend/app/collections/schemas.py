"""Request and response shapes of the collections API."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    PlainSerializer,
    StrictBool,
    WithJsonSchema,
    model_validator,
)

from app.billing.schemas import InvoiceStatus  # one list of invoice statuses: billing owns invoices
from app.kit.money import Money, PositiveMoney
from app.kit.validation import IsoDate, IsoDatetimeInput, field_errors

PaymentMethod = Literal["cash", "card", "bank_transfer", "cheque", "mobile_money"]
# How money moved: a payment recorded at the counter or bank, an invoice approved as paid, or a refund.
PaymentSource = Literal["payment", "invoice_approval", "refund"]
CaseStatus = Literal["open", "in_progress", "promise_to_pay", "resolved", "written_off"]
# A client has at most one case in one of these statuses (partial unique index on collection_cases).
OpenCaseStatus = Literal["open", "in_progress", "promise_to_pay"]
# Targets an agent may ask for: `open` is only ever the state a case is created in.
CaseStatusTarget = Literal["in_progress", "promise_to_pay", "resolved", "written_off"]
AgingBucket = Literal["0-30", "31-60", "61-90", "90+"]
ActionType = Literal["reminder_sms", "reminder_email", "warning_letter", "call", "suspension_notice"]
ActionOrigin = Literal["manual", "dunning_policy"]

Reference = Annotated[str, Field(min_length=1, max_length=120, pattern=r"^\S(.*\S)?$")]
Note = Annotated[str, Field(min_length=1, max_length=2000)]
# Money received before the platform's records begin is a typo (and year-1 datetimes overflow on conversion).
EARLIEST_RECEIVED_YEAR = 2000


def _received_since_2000(value: datetime) -> datetime:
    if value.year < EARLIEST_RECEIVED_YEAR:
        raise ValueError(f"received_at cannot be before {EARLIEST_RECEIVED_YEAR}-01-01")
    return value


ReceivedAt = Annotated[AwareDatetime, IsoDatetimeInput, AfterValidator(_received_since_2000)]
Ratio = Annotated[
    Decimal,
    PlainSerializer(lambda r: f"{r:.4f}", return_type=str, when_used="json"),
    WithJsonSchema({"type": "string", "pattern": r"^\d\.\d{4}$", "examples": ["0.8250"]}),
]


class AllocationCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    invoice_id: uuid.UUID
    amount: PositiveMoney


class PaymentCreate(BaseModel):
    """Money received from a client. Without allocations it goes to the oldest due invoices first."""

    model_config = ConfigDict(extra="forbid")

    client_id: uuid.UUID
    amount: PositiveMoney
    method: PaymentMethod
    reference: Reference | None = Field(default=None, description="Bank, cheque or receipt reference.")
    received_at: ReceivedAt | None = Field(default=None, description="When the money was received; now if absent.")
    allocations: list[AllocationCreate] | None = Field(default=None, min_length=1, max_length=200)
    confirm_duplicate: StrictBool = Field(
        default=False,
        description="Record it even though a payment with the same client, reference, amount and day exists.",
    )

    @model_validator(mode="after")
    def _one_allocation_per_invoice(self) -> PaymentCreate:
        if self.allocations:
            seen: set[uuid.UUID] = set()
            for allocation in self.allocations:
                if allocation.invoice_id in seen:
                    raise field_errors(
                        "PaymentCreate",
                        [("allocations", f"invoice {allocation.invoice_id} is allocated more than once")],
                        {"allocations": [a.model_dump(mode="json") for a in self.allocations]},
                    )
                seen.add(allocation.invoice_id)
        return self


class RefundCreate(BaseModel):
    """Money paid back to a client out of its credit balance (credit notes beyond what it owed)."""

    model_config = ConfigDict(extra="forbid")

    client_id: uuid.UUID
    amount: PositiveMoney
    method: PaymentMethod
    reference: Reference | None = Field(default=None, description="Transfer or cheque reference of the refund.")
    paid_at: ReceivedAt | None = Field(default=None, description="When the refund was paid; now if absent.")


class CreditBalanceRead(BaseModel):
    client_id: uuid.UUID
    balance: Money


class ApprovePaidRequest(BaseModel):
    """Optional details of the settlement recorded when an invoice is approved as paid."""

    model_config = ConfigDict(extra="forbid")

    method: PaymentMethod = "bank_transfer"
    reference: Reference | None = None
    received_at: ReceivedAt | None = None


class AllocationRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    invoice_id: uuid.UUID
    invoice_number: str | None
    amount: Money


class PaymentRead(BaseModel):
    id: uuid.UUID
    client_id: uuid.UUID
    amount: Money
    currency: str
    method: PaymentMethod
    reference: str | None
    received_at: datetime
    source: PaymentSource
    allocations: list[AllocationRead]
    created_at: datetime
    created_by: str | None


class SettledInvoice(BaseModel):
    """An invoice's payment state right after a payment."""

    invoice_id: uuid.UUID
    invoice_number: str | None
    status: InvoiceStatus
    total: Money
    paid_amount: Money
    outstanding_amount: Money


class PaymentRecorded(PaymentRead):
    invoices: list[SettledInvoice]


class CaseRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    client_id: uuid.UUID
    # Filled by the router from the clients module (one query per page), so a case list reads as names.
    client_name: str | None = None
    status: CaseStatus
    opened_on: date
    evaluated_on: date
    closed_on: date | None
    total_overdue: Money
    overdue_invoice_count: int
    oldest_due_date: date | None
    days_past_due: int
    aging_bucket: AgingBucket
    promised_date: date | None
    promised_amount: Money | None
    created_at: datetime
    updated_at: datetime
    created_by: str | None
    updated_by: str | None


class CaseInvoiceRead(BaseModel):
    invoice_id: uuid.UUID
    invoice_number: str | None
    status: InvoiceStatus
    due_date: date
    total: Money
    paid_amount: Money
    outstanding_amount: Money
    linked_on: date


class CaseDetail(CaseRead):
    invoices: list[CaseInvoiceRead]


class CaseStatusChange(BaseModel):
    """The status wanted; promise_to_pay needs the promised date and amount, and only it takes them."""

    model_config = ConfigDict(extra="forbid")

    status: CaseStatusTarget
    note: Note | None = None
    promised_date: IsoDate | None = None
    promised_amount: PositiveMoney | None = None

    @model_validator(mode="after")
    def _promise_fields(self) -> CaseStatusChange:
        problems: list[tuple[str, str]] = []
        if self.status == "promise_to_pay":
            if self.promised_date is None:
                problems.append(("promised_date", "a promise to pay needs the promised date"))
            if self.promised_amount is None:
                problems.append(("promised_amount", "a promise to pay needs the promised amount"))
        else:
            if self.promised_date is not None:
                problems.append(("promised_date", "only a promise to pay takes a promised date"))
            if self.promised_amount is not None:
                problems.append(("promised_amount", "only a promise to pay takes a promised amount"))
        if problems:
            values: dict[str, Any] = {"promised_date": self.promised_date, "promised_amount": self.promised_amount}
            raise field_errors("CaseStatusChange", problems, values)
        return self


class ActionCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    action_type: ActionType
    note: Note | None = None


class ActionRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    case_id: uuid.UUID
    action_type: ActionType
    origin: ActionOrigin
    note: str | None
    actor: str
    days_past_due: int | None
    created_at: datetime


class EvaluationRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    as_of: IsoDate | None = Field(default=None, description="The day to evaluate for; today (UTC) if absent.")


class EvaluationRead(BaseModel):
    as_of: date
    invoices_marked_overdue: int
    cases_opened: int
    cases_updated: int
    cases_resolved: int
    actions_created: int
    clients_marked_delinquent: int
    clients_cleared: int


class AgingBucketFigures(BaseModel):
    bucket: AgingBucket
    amount: Money
    count: int


class PaymentsCollected(BaseModel):
    period_start: date
    period_end: date
    amount: Money
    count: int


class CollectionsOverview(BaseModel):
    as_of: date
    currency: str = "MAD"
    total_outstanding: Money
    overdue_total: Money
    overdue_by_aging_bucket: list[AgingBucketFigures]
    cases_by_status: dict[CaseStatus, int]
    payments_collected: PaymentsCollected
    invoiced_in_period: Money
    collection_rate: Ratio | None = Field(
        description="Paid so far / invoiced, over invoices issued in the period; null when nothing was invoiced."
    )
