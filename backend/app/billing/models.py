"""Billing runs, legal invoices, their lines and PDFs, and the guards that make billing exactly-once."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Literal

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Computed,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    Numeric,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from app.billing.schemas import CreditNoteKind, InvoiceStatus, LineKind, RunStatus
from app.db import Base, TimestampedMixin, uuid_pk
from app.kit.money import MONEY_SQL
from app.kit.vocabulary import one_of_check

# Internal words, never in the API: a run's chunk is waiting for its job or billed; a credit balance moves
# by a credit note (+), or by paying an invoice, settling a billing run's invoices or a refund (−).
ChunkStatus = Literal["pending", "done"]
CreditMovementSource = Literal["credit_note", "payment", "billing_run", "refund"]
TAX_RATE_SQL = Numeric(6, 4)


class BillingRun(TimestampedMixin, Base):
    """One billing run over a period: its parameters, progress counters and timings."""

    __tablename__ = "billing_runs"
    __table_args__ = (
        one_of_check("status", RunStatus),
        CheckConstraint("period_end >= period_start", name="period"),
        CheckConstraint("due_days BETWEEN 0 AND 365", name="due_days"),
        CheckConstraint("tax_rate >= 0 AND tax_rate < 1", name="tax_rate"),
        Index("ix_billing_runs_created_at", "created_at"),
    )

    id: Mapped[uuid.UUID] = uuid_pk()
    status: Mapped[str] = mapped_column(String(20), nullable=False, default="queued")
    dry_run: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    period_start: Mapped[date] = mapped_column(Date, nullable=False)
    period_end: Mapped[date] = mapped_column(Date, nullable=False)
    issue_date: Mapped[date] = mapped_column(Date, nullable=False)
    due_days: Mapped[int] = mapped_column(Integer, nullable=False, default=15)
    tax_rate: Mapped[Decimal] = mapped_column(TAX_RATE_SQL, nullable=False)
    chunk_size: Mapped[int] = mapped_column(Integer, nullable=False)
    chunks_total: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    chunks_done: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    clients_total: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    clients_processed: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    clients_failed: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    contracts_count: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    invoices_count: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    lines_count: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    total_amount: Mapped[Decimal] = mapped_column(MONEY_SQL, nullable=False, default=Decimal("0.00"))
    pdfs_rendered: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    pdfs_ready: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    error: Mapped[str | None] = mapped_column(Text)
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Invoicing done (status completed or failed); PDFs may still be rendering.
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    pdfs_finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    discarded_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class BillingRunChunk(Base):
    """A slice of a run's clients (by client id range), billed in one transaction by one job."""

    __tablename__ = "billing_run_chunks"
    __table_args__ = (one_of_check("status", ChunkStatus),)

    billing_run_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("billing_runs.id", ondelete="CASCADE"), primary_key=True
    )
    chunk_index: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    # Clients with lower_client_id < id <= upper_client_id; NULL bounds are open, so the chunks of a run
    # cover every possible client, including ones that became billable after planning.
    lower_client_id: Mapped[uuid.UUID | None] = mapped_column()
    upper_client_id: Mapped[uuid.UUID | None] = mapped_column()
    planned_clients: Mapped[int] = mapped_column(Integer, nullable=False)
    status: Mapped[str] = mapped_column(String(20), nullable=False, default="pending")
    invoices_count: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class BillingRunFailure(Base):
    """A client parked by a run (with the reason) so the rest of the run can complete."""

    __tablename__ = "billing_run_failures"
    __table_args__ = (UniqueConstraint("billing_run_id", "client_id", name="uq_billing_run_failures_run_client"),)

    id: Mapped[uuid.UUID] = uuid_pk()
    billing_run_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("billing_runs.id", ondelete="CASCADE"), nullable=False)
    client_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("clients.id", ondelete="RESTRICT"), nullable=False)
    reason: Mapped[str] = mapped_column(Text, nullable=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now(), nullable=False)


class Invoice(Base):
    """A client's invoice for a run: a draft (dry run) or a legal, immutable issued invoice."""

    __tablename__ = "invoices"
    __table_args__ = (
        one_of_check("status", InvoiceStatus),
        CheckConstraint(
            "paid_amount >= 0 AND credit_applied >= 0 AND paid_amount + credit_applied <= total",
            name="paid_within_total",
        ),
        CheckConstraint("credited_amount >= 0 AND credited_amount <= total", name="credited_within_total"),
        CheckConstraint("period_end >= period_start", name="period"),
        CheckConstraint("due_date >= issue_date", name="due_after_issue"),
        # A client whose lines add up to zero gets no invoice: every invoice has something to pay.
        CheckConstraint("subtotal > 0 AND tax_amount >= 0 AND total = subtotal + tax_amount", name="totals"),
        # paid/credited: nothing outstanding; credited: the whole total credited; drafts never receive money.
        CheckConstraint(
            "status IN ('draft', 'discarded') OR ("
            "(status IN ('paid', 'credited')) = (paid_amount + credit_applied = total) "
            "AND (status = 'credited') = (credited_amount = total))",
            name="status_matches_payment",
        ),
        CheckConstraint(
            "status NOT IN ('draft', 'discarded') OR (paid_amount = 0 AND credit_applied = 0 AND credited_amount = 0)",
            name="unpaid_when_draft",
        ),
        CheckConstraint("(status IN ('draft', 'discarded')) = (invoice_number IS NULL)", name="number_when_issued"),
        CheckConstraint("invoice_number IS NULL OR invoice_number ~ '^FAC-[0-9]{4}-[0-9]{6,}$'", name="number_format"),
        Index("ix_invoices_client_id_issue_date", "client_id", "issue_date"),
        Index("ix_invoices_status_due_date", "status", "due_date"),
        # A run gives a client at most one invoice, even when a chunk is retried.
        UniqueConstraint("billing_run_id", "client_id", name="uq_invoices_run_client"),
    )

    id: Mapped[uuid.UUID] = uuid_pk()
    invoice_number: Mapped[str | None] = mapped_column(String(20), unique=True)
    billing_run_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("billing_runs.id", ondelete="RESTRICT"), nullable=False
    )
    client_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("clients.id", ondelete="RESTRICT"), nullable=False)
    status: Mapped[str] = mapped_column(String(20), nullable=False, default="draft")
    period_start: Mapped[date] = mapped_column(Date, nullable=False)
    period_end: Mapped[date] = mapped_column(Date, nullable=False)
    issue_date: Mapped[date] = mapped_column(Date, nullable=False)
    due_date: Mapped[date] = mapped_column(Date, nullable=False)
    currency: Mapped[str] = mapped_column(String(3), nullable=False, default="MAD", server_default="MAD")
    subtotal: Mapped[Decimal] = mapped_column(MONEY_SQL, nullable=False)
    tax_rate: Mapped[Decimal] = mapped_column(TAX_RATE_SQL, nullable=False)
    tax_amount: Mapped[Decimal] = mapped_column(MONEY_SQL, nullable=False)
    total: Mapped[Decimal] = mapped_column(MONEY_SQL, nullable=False)
    # Declared at issue: the immutability trigger lets an issued invoice receive exactly this many lines, once.
    lines_count: Mapped[int] = mapped_column(Integer, nullable=False)
    paid_amount: Mapped[Decimal] = mapped_column(MONEY_SQL, nullable=False, server_default=text("0"))
    # The totals of the invoice's credit notes (never above its total).
    credited_amount: Mapped[Decimal] = mapped_column(MONEY_SQL, nullable=False, server_default=text("0"))
    # Credit money settling the invoice: its own credit notes up to what was outstanding, or a client balance.
    credit_applied: Mapped[Decimal] = mapped_column(MONEY_SQL, nullable=False, server_default=text("0"))
    outstanding_amount: Mapped[Decimal] = mapped_column(
        MONEY_SQL, Computed("total - paid_amount - credit_applied", persisted=True)
    )
    pdf_sha256: Mapped[str | None] = mapped_column(String(64))
    pdf_size_bytes: Mapped[int | None] = mapped_column(BigInteger)
    # Where the bytes live: 'database' (table invoice_documents) is the only storage so far.
    pdf_storage: Mapped[str | None] = mapped_column(String(20))
    pdf_rendered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now(), nullable=False)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now(), nullable=False
    )


class InvoiceLine(Base):
    """One line of an invoice: a contract's prorated monthly fee for a month, or its activation fee."""

    __tablename__ = "invoice_lines"
    __table_args__ = (
        one_of_check("kind", LineKind),
        CheckConstraint("period_end >= period_start", name="period"),
        CheckConstraint("active_days >= 0 AND active_days <= days_in_period", name="active_days"),
        CheckConstraint("amount >= 0", name="amount_non_negative"),
        CheckConstraint("unit_amount >= 0", name="unit_amount_non_negative"),
        CheckConstraint("suspended_days >= 0", name="suspended_days"),
        Index("ix_invoice_lines_invoice_id", "invoice_id"),
    )

    id: Mapped[uuid.UUID] = uuid_pk()
    # Deferred: a chunk writes the lines before the legal invoice rows so the numbering lock is held briefly.
    invoice_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("invoices.id", ondelete="RESTRICT", deferrable=True, initially="DEFERRED"), nullable=False
    )
    # No foreign key: a check per line locks the contract row (FOR KEY SHARE), which measured 50 µs per line
    # on a million contracts, more than the rest of the line. Lines are written only by billing runs from
    # existing contracts, and contracts are never deleted (terminated instead; their other references are
    # RESTRICT).
    contract_id: Mapped[uuid.UUID] = mapped_column(nullable=False)
    kind: Mapped[str] = mapped_column(String(20), nullable=False)
    description: Mapped[str] = mapped_column(String(200), nullable=False)
    service_type: Mapped[str] = mapped_column(String(20), nullable=False)
    # A snapshot of the contract's offer at billing time (the contract's own foreign key guards the offer).
    offer_id: Mapped[uuid.UUID] = mapped_column(nullable=False)
    offer_name: Mapped[str] = mapped_column(String(120), nullable=False)
    phone_number: Mapped[str] = mapped_column(String(13), nullable=False)
    period_start: Mapped[date] = mapped_column(Date, nullable=False)
    period_end: Mapped[date] = mapped_column(Date, nullable=False)
    active_days: Mapped[int] = mapped_column(SmallInteger, nullable=False)
    # Days between period_start and period_end the contract was suspended (not billed, printed on the PDF).
    suspended_days: Mapped[int] = mapped_column(SmallInteger, nullable=False, server_default=text("0"))
    days_in_period: Mapped[int] = mapped_column(SmallInteger, nullable=False)
    unit_amount: Mapped[Decimal] = mapped_column(MONEY_SQL, nullable=False)
    amount: Mapped[Decimal] = mapped_column(MONEY_SQL, nullable=False)


class InvoiceDocument(Base):
    """The rendered PDF of an issued invoice, kept with its SHA-256 so a download can prove integrity."""

    __tablename__ = "invoice_documents"

    invoice_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("invoices.id", ondelete="RESTRICT"), primary_key=True)
    filename: Mapped[str] = mapped_column(String(120), nullable=False)
    content_type: Mapped[str] = mapped_column(String(60), nullable=False, default="application/pdf")
    size_bytes: Mapped[int] = mapped_column(BigInteger, nullable=False)
    sha256: Mapped[str] = mapped_column(String(64), nullable=False)
    content: Mapped[bytes] = mapped_column(LargeBinary, nullable=False)
    metadata_: Mapped[dict[str, Any]] = mapped_column("metadata", JSONB, nullable=False, default=dict)
    generated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now(), nullable=False)


class BilledContractMonth(Base):
    """The days of a calendar month already billed for a contract (bit d-1 set = day d billed).

    The anti-double-billing guard: one row per (contract, month) under a unique key, and a run only
    ever adds days that are not yet set (see docs/billing.md for why not a GiST exclusion).
    """

    __tablename__ = "billed_contract_months"
    __table_args__ = (
        CheckConstraint("extract(day from billed_month) = 1", name="month_start"),
        CheckConstraint("days_mask > 0 AND days_mask < 2147483648", name="days_mask_range"),
    )

    # No foreign keys on this hot guard table: a check per billed contract-month costs more than the
    # insert itself. Rows are written only by billing runs, from contracts read in the same statement, and
    # contracts are never deleted.
    contract_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    billed_month: Mapped[date] = mapped_column(Date, primary_key=True)
    days_mask: Mapped[int] = mapped_column(BigInteger, nullable=False)
    last_billing_run_id: Mapped[uuid.UUID] = mapped_column(nullable=False)


class BilledActivation(Base):
    """A contract's activation fee is billed once: the primary key makes a second time impossible."""

    __tablename__ = "billed_activations"

    contract_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("contracts.id", ondelete="RESTRICT"), primary_key=True)
    invoice_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("invoices.id", ondelete="RESTRICT", deferrable=True, initially="DEFERRED"), nullable=False
    )
    billing_run_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("billing_runs.id", ondelete="RESTRICT"), nullable=False
    )


class InvoiceNumberCounter(Base):
    """The last legal invoice number of a calendar year; numbers are taken under a row lock, so no gaps."""

    __tablename__ = "invoice_number_counters"
    __table_args__ = (CheckConstraint("last_number >= 0", name="last_number_non_negative"),)

    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    last_number: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)


class CreditNote(Base):
    """A legal credit note (avoir) cancelling all or part of one issued invoice; immutable once written."""

    __tablename__ = "credit_notes"
    __table_args__ = (
        one_of_check("kind", CreditNoteKind),
        CheckConstraint("subtotal > 0 AND tax_amount >= 0 AND total = subtotal + tax_amount", name="totals"),
        CheckConstraint(
            "applied_to_invoice >= 0 AND to_credit_balance >= 0 AND applied_to_invoice + to_credit_balance = total",
            name="split",
        ),
        CheckConstraint("credit_note_number ~ '^AV-[0-9]{4}-[0-9]{6,}$'", name="number_format"),
        CheckConstraint("lines_count > 0", name="lines_count"),
        Index("ix_credit_notes_invoice_id", "invoice_id"),
        Index("ix_credit_notes_client_id_issue_date", "client_id", "issue_date"),
    )

    id: Mapped[uuid.UUID] = uuid_pk()
    credit_note_number: Mapped[str] = mapped_column(String(20), nullable=False, unique=True)
    invoice_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("invoices.id", ondelete="RESTRICT"), nullable=False)
    client_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("clients.id", ondelete="RESTRICT"), nullable=False)
    kind: Mapped[str] = mapped_column(String(20), nullable=False)
    reason: Mapped[str] = mapped_column(Text, nullable=False)
    issue_date: Mapped[date] = mapped_column(Date, nullable=False)
    currency: Mapped[str] = mapped_column(String(3), nullable=False, default="MAD", server_default="MAD")
    subtotal: Mapped[Decimal] = mapped_column(MONEY_SQL, nullable=False)
    tax_rate: Mapped[Decimal] = mapped_column(TAX_RATE_SQL, nullable=False)
    tax_amount: Mapped[Decimal] = mapped_column(MONEY_SQL, nullable=False)
    total: Mapped[Decimal] = mapped_column(MONEY_SQL, nullable=False)
    # How the total settled: first the invoice's outstanding amount, the rest to the client's credit balance.
    applied_to_invoice: Mapped[Decimal] = mapped_column(MONEY_SQL, nullable=False)
    to_credit_balance: Mapped[Decimal] = mapped_column(MONEY_SQL, nullable=False)
    lines_count: Mapped[int] = mapped_column(Integer, nullable=False)
    pdf_sha256: Mapped[str] = mapped_column(String(64), nullable=False)
    pdf_size_bytes: Mapped[int] = mapped_column(BigInteger, nullable=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now(), nullable=False)
    created_by: Mapped[str | None] = mapped_column(String(120))


class CreditNoteLine(Base):
    """What a credit note credits: an invoice line (in full or some of its days) or an amount."""

    __tablename__ = "credit_note_lines"
    __table_args__ = (
        CheckConstraint("amount > 0", name="amount_positive"),
        UniqueConstraint("credit_note_id", "position", name="uq_credit_note_lines_position"),
        Index("ix_credit_note_lines_invoice_line_id", "invoice_line_id"),
    )

    id: Mapped[uuid.UUID] = uuid_pk()
    credit_note_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("credit_notes.id", ondelete="RESTRICT"), nullable=False
    )
    position: Mapped[int] = mapped_column(SmallInteger, nullable=False)
    invoice_line_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("invoice_lines.id", ondelete="RESTRICT"))
    contract_id: Mapped[uuid.UUID | None] = mapped_column()
    description: Mapped[str] = mapped_column(String(200), nullable=False)
    period_start: Mapped[date | None] = mapped_column(Date)
    period_end: Mapped[date | None] = mapped_column(Date)
    days: Mapped[int | None] = mapped_column(SmallInteger)
    amount: Mapped[Decimal] = mapped_column(MONEY_SQL, nullable=False)


class CreditNoteDocument(Base):
    """The PDF of a credit note, stored with its SHA-256 in the transaction that issues it."""

    __tablename__ = "credit_note_documents"

    credit_note_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("credit_notes.id", ondelete="RESTRICT"), primary_key=True
    )
    filename: Mapped[str] = mapped_column(String(120), nullable=False)
    content_type: Mapped[str] = mapped_column(String(60), nullable=False, default="application/pdf")
    size_bytes: Mapped[int] = mapped_column(BigInteger, nullable=False)
    sha256: Mapped[str] = mapped_column(String(64), nullable=False)
    content: Mapped[bytes] = mapped_column(LargeBinary, nullable=False)
    metadata_: Mapped[dict[str, Any]] = mapped_column("metadata", JSONB, nullable=False, default=dict)
    generated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now(), nullable=False)


class CreditNoteNumberCounter(Base):
    """The last credit note number of a calendar year (AV-YYYY-NNNNNN), taken under a lock: no gaps."""

    __tablename__ = "credit_note_number_counters"
    __table_args__ = (CheckConstraint("last_number >= 0", name="last_number_non_negative"),)

    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    last_number: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)


class ClientCreditBalance(Base):
    """Credit a client holds (credit notes beyond what their invoices still owed), never negative."""

    __tablename__ = "client_credit_balances"
    __table_args__ = (CheckConstraint("balance >= 0", name="balance_non_negative"),)

    client_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("clients.id", ondelete="RESTRICT"), primary_key=True)
    balance: Mapped[Decimal] = mapped_column(MONEY_SQL, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now(), nullable=False
    )


class ClientCreditMovement(Base):
    """One change of a client's credit balance, for its history: + from a credit note, − applied or refunded."""

    __tablename__ = "client_credit_movements"
    __table_args__ = (
        one_of_check("source", CreditMovementSource),
        CheckConstraint("(source = 'credit_note') = (amount > 0) AND amount <> 0", name="sign"),
        Index("ix_client_credit_movements_client_id", "client_id"),
        Index("ix_client_credit_movements_invoice_id", "invoice_id"),
    )

    id: Mapped[uuid.UUID] = uuid_pk()
    client_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("clients.id", ondelete="RESTRICT"), nullable=False)
    source: Mapped[str] = mapped_column(String(20), nullable=False)
    amount: Mapped[Decimal] = mapped_column(MONEY_SQL, nullable=False)
    credit_note_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("credit_notes.id", ondelete="RESTRICT"))
    invoice_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("invoices.id", ondelete="RESTRICT"))
    payment_id: Mapped[uuid.UUID | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now(), nullable=False)
    created_by: Mapped[str | None] = mapped_column(String(120))
