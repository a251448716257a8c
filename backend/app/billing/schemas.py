"""Billing API shapes: runs, invoices and their lines."""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PlainSerializer,
    StrictBool,
    ValidationInfo,
    WithJsonSchema,
    computed_field,
    field_validator,
    model_validator,
)

from app.catalog.schemas import OfferCategory  # the service categories are the catalogue's
from app.kit.money import CENT, Money, PositiveMoney, Rate
from app.kit.validation import IsoDate


def _format_tax_rate(rate: Decimal) -> str:
    # Written like the spec's "0.20": at least two decimals, up to the four stored.
    normalized = rate.normalize()
    exponent = normalized.as_tuple().exponent
    return format(rate.quantize(CENT) if isinstance(exponent, int) and exponent > -2 else normalized, "f")


TaxRate = Annotated[
    Rate,
    PlainSerializer(_format_tax_rate, return_type=str, when_used="json"),
    WithJsonSchema({"type": "string", "pattern": r"^0\.\d{2,4}$", "examples": ["0.20"]}),
]

RunStatus = Literal["queued", "running", "completed", "failed"]
InvoiceStatus = Literal["draft", "issued", "overdue", "paid", "credited", "discarded"]
CreditNoteKind = Literal["invoice", "lines", "amount", "correction"]
ServiceCategory = OfferCategory
LineKind = Literal["recurring", "activation"]

MAX_PERIOD_DAYS = 366
SERVICE_CATEGORY_OF: dict[str, ServiceCategory] = {
    "mobile": "mobile",
    "fiber": "internet",
    "adsl": "internet",
    "landline": "landline",
}


class BillingRunCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    period_start: IsoDate = Field(description="First day billed (inclusive).")
    period_end: IsoDate = Field(description="Last day billed (inclusive).")
    due_days: int = Field(default=15, ge=0, le=365, description="Days from the issue date to the due date.")
    tax_rate: TaxRate = Field(default=Decimal("0.20"), description='TVA rate, e.g. "0.20".')
    dry_run: StrictBool = Field(default=False, description="Drafts without legal numbers, to preview and discard.")

    @field_validator("period_end")
    @classmethod
    def _period_is_ordered_and_bounded(cls, value: date, info: ValidationInfo) -> date:
        start = info.data.get("period_start")
        if isinstance(start, date):
            if value < start:
                raise ValueError("period_end must be on or after period_start")
            if value - start >= timedelta(days=MAX_PERIOD_DAYS):
                raise ValueError(f"a billing run covers at most {MAX_PERIOD_DAYS} days")
        return value

    @field_validator("tax_rate")
    @classmethod
    def _tax_rate_below_one(cls, value: Decimal) -> Decimal:
        if value >= 1:
            raise ValueError("tax_rate must be below 1")
        return value


class RunProgress(BaseModel):
    processed: int
    total: int
    percent: int


class FailedClient(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    client_id: uuid.UUID
    reason: str
    created_at: datetime


class BillingRunRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    status: RunStatus
    dry_run: bool
    period_start: date
    period_end: date
    issue_date: date
    due_days: int
    tax_rate: TaxRate
    clients_total: int
    clients_processed: int
    clients_failed: int
    contracts_count: int
    invoices_count: int
    lines_count: int
    total_amount: Money
    chunks_total: int
    chunks_done: int
    pdfs_rendered: int
    pdfs_ready: bool
    error: str | None
    started_at: datetime | None
    finished_at: datetime | None
    pdfs_finished_at: datetime | None
    discarded_at: datetime | None
    created_at: datetime
    updated_at: datetime
    created_by: str | None

    @computed_field  # type: ignore[prop-decorator]
    @property
    def progress(self) -> RunProgress:
        total = self.clients_total
        processed = min(self.clients_processed, total) if total else self.clients_processed
        percent = 100 if self.status == "completed" else (int(processed * 100 / total) if total else 0)
        return RunProgress(processed=processed, total=total, percent=percent)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def invoicing_seconds(self) -> float | None:
        if self.started_at is None or self.finished_at is None:
            return None
        return round((self.finished_at - self.started_at).total_seconds(), 3)


class BillingRunDetail(BillingRunRead):
    failed_clients: list[FailedClient] = Field(
        default_factory=list, description="Clients parked by the run, with the reason (first 200)."
    )


class InvoicePdfRead(BaseModel):
    sha256: str
    size_bytes: int
    rendered_at: datetime | None


class InvoiceRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    invoice_number: str | None
    billing_run_id: uuid.UUID
    client_id: uuid.UUID
    status: InvoiceStatus
    period_start: date
    period_end: date
    issue_date: date
    due_date: date
    currency: str
    subtotal: Money
    tax_rate: TaxRate
    tax_amount: Money
    total: Money
    paid_amount: Money
    credited_amount: Money = Field(description="Total of the invoice's credit notes.")
    credit_applied: Money = Field(description="Credit money settling it (its credit notes, a client balance).")
    outstanding_amount: Money
    lines_count: int
    pdf_sha256: str | None = Field(default=None, exclude=True)
    pdf_size_bytes: int | None = Field(default=None, exclude=True)
    pdf_rendered_at: datetime | None = Field(default=None, exclude=True)
    created_at: datetime
    updated_at: datetime

    @computed_field  # type: ignore[prop-decorator]
    @property
    def pdf(self) -> InvoicePdfRead | None:
        if self.pdf_sha256 is None or self.pdf_size_bytes is None:
            return None
        return InvoicePdfRead(sha256=self.pdf_sha256, size_bytes=self.pdf_size_bytes, rendered_at=self.pdf_rendered_at)


class InvoiceLineRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    contract_id: uuid.UUID
    kind: LineKind
    description: str
    service_type: str
    offer_id: uuid.UUID
    offer_name: str
    phone_number: str
    period_start: date
    period_end: date
    active_days: int
    suspended_days: int = Field(description="Days of the span the contract was suspended (not billed).")
    days_in_period: int
    unit_amount: Money
    amount: Money

    @computed_field  # type: ignore[prop-decorator]
    @property
    def service(self) -> ServiceCategory:
        return SERVICE_CATEGORY_OF[self.service_type]


class InvoiceCreditNoteSummary(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    credit_note_number: str
    kind: str
    issue_date: date
    total: Money


class InvoiceDetail(InvoiceRead):
    lines: list[InvoiceLineRead]
    credit_notes: list[InvoiceCreditNoteSummary] = Field(default_factory=list)
    creditable_subtotal: Money = Field(
        description="What credit notes may still credit, excl. tax: the subtotal minus the subtotals of its credit "
        "notes, the most a credit note may take (`0.00` when the invoice is a draft, discarded or credited)."
    )
    creditable_total: Money = Field(
        description="What a credit note crediting all of `creditable_subtotal` would total, with its tax at the "
        "invoice's rate counted cumulatively (docs/billing.md, Credit notes)."
    )


class CreditNoteCreate(BaseModel):
    """A credit note on one issued invoice: the whole invoice, chosen lines, or an amount excl. tax."""

    model_config = ConfigDict(extra="forbid")

    kind: Literal["invoice", "lines", "amount"] = Field(
        description="`invoice`: what is left of every line; `lines`: the chosen lines in full; `amount`: an amount."
    )
    reason: str = Field(min_length=3, max_length=500, description="Why the invoice is corrected (printed).")
    line_ids: list[uuid.UUID] | None = Field(default=None, min_length=1, max_length=500)
    amount: PositiveMoney | None = Field(default=None, description="Excl. tax; tax is added at the invoice's rate.")

    @field_validator("reason")
    @classmethod
    def _one_line(cls, value: str) -> str:
        if value != value.strip() or "\n" in value or "\x00" in value:
            raise ValueError("reason is one line of text without surrounding spaces")
        return value

    @field_validator("line_ids")
    @classmethod
    def _distinct_lines(cls, value: list[uuid.UUID] | None) -> list[uuid.UUID] | None:
        if value is not None and len(set(value)) != len(value):
            raise ValueError("a line is credited at most once per credit note")
        return value

    @model_validator(mode="after")
    def _fields_of_the_kind(self) -> CreditNoteCreate:
        wanted = {"invoice": (False, False), "lines": (True, False), "amount": (False, True)}[self.kind]
        if (self.line_ids is not None, self.amount is not None) != wanted:
            raise ValueError(
                "kind invoice takes neither line_ids nor amount; kind lines takes line_ids; kind amount takes amount"
            )
        return self


class CreditNoteLineRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    position: int
    invoice_line_id: uuid.UUID | None
    contract_id: uuid.UUID | None
    description: str
    period_start: date | None
    period_end: date | None
    days: int | None
    amount: Money


class CreditNoteRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    credit_note_number: str
    invoice_id: uuid.UUID
    client_id: uuid.UUID
    kind: CreditNoteKind
    reason: str
    issue_date: date
    currency: str
    subtotal: Money
    tax_rate: TaxRate
    tax_amount: Money
    total: Money
    applied_to_invoice: Money = Field(description="Part of the total that reduced the invoice's outstanding amount.")
    to_credit_balance: Money = Field(description="Part of the total credited to the client's balance.")
    lines_count: int
    pdf_sha256: str
    pdf_size_bytes: int
    created_at: datetime
    created_by: str | None


class CreditNoteDetail(CreditNoteRead):
    invoice_number: str
    lines: list[CreditNoteLineRead]
