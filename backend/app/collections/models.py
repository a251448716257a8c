"""Payments and their allocations, collection cases, dunning actions and the outbox of collections events."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.collections.schemas import (
    ActionOrigin,
    ActionType,
    AgingBucket,
    CaseStatus,
    OpenCaseStatus,
    PaymentMethod,
    PaymentSource,
)
from app.db import Base, TimestampedMixin, uuid_pk
from app.kit.money import MONEY_SQL
from app.kit.vocabulary import one_of_check, one_of_sql, words

CASE_STATUSES = words(CaseStatus)
OPEN_CASE_STATUSES = words(OpenCaseStatus)

OPEN_CASE_PREDICATE_SQL = one_of_sql("status", OpenCaseStatus)
POLICY_ACTION_PREDICATE_SQL = "origin = 'dunning_policy'"


class Payment(TimestampedMixin, Base):
    """Money received from a client, recorded once and spread over its open invoices."""

    __tablename__ = "payments"
    __table_args__ = (
        CheckConstraint("amount > 0", name="amount_positive"),
        one_of_check("method", PaymentMethod),
        one_of_check("source", PaymentSource),
        CheckConstraint("currency = 'MAD'", name="currency"),
        Index("ix_payments_client_id_received_at", "client_id", "received_at"),
        Index("ix_payments_received_at", "received_at"),
    )

    id: Mapped[uuid.UUID] = uuid_pk()
    client_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("clients.id", ondelete="RESTRICT"), nullable=False)
    amount: Mapped[Decimal] = mapped_column(MONEY_SQL, nullable=False)
    currency: Mapped[str] = mapped_column(String(3), nullable=False, default="MAD", server_default="MAD")
    method: Mapped[str] = mapped_column(String(20), nullable=False)
    reference: Mapped[str | None] = mapped_column(String(120))
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    source: Mapped[str] = mapped_column(String(20), nullable=False, default="payment")

    allocations: Mapped[list[PaymentAllocation]] = relationship(
        back_populates="payment", lazy="raise", order_by="PaymentAllocation.position"
    )


class PaymentAllocation(Base):
    """The part of a payment applied to one invoice."""

    __tablename__ = "payment_allocations"
    __table_args__ = (
        CheckConstraint("amount > 0", name="amount_positive"),
        UniqueConstraint("payment_id", "invoice_id", name="uq_payment_allocations_payment_invoice"),
        Index("ix_payment_allocations_invoice_id", "invoice_id"),
    )

    id: Mapped[uuid.UUID] = uuid_pk()
    payment_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("payments.id", ondelete="RESTRICT"), nullable=False)
    invoice_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("invoices.id", ondelete="RESTRICT"), nullable=False)
    amount: Mapped[Decimal] = mapped_column(MONEY_SQL, nullable=False)
    # Keeps the allocation order of the request (oldest due date first when the server allocated).
    position: Mapped[int] = mapped_column(Integer, nullable=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now(), nullable=False)

    payment: Mapped[Payment] = relationship(back_populates="allocations", lazy="raise")


class CollectionCase(TimestampedMixin, Base):
    """A client's overdue debt being worked: its figures are recomputed by each evaluation."""

    __tablename__ = "collection_cases"
    __table_args__ = (
        one_of_check("status", CaseStatus),
        one_of_check("aging_bucket", AgingBucket),
        CheckConstraint("total_overdue >= 0", name="total_overdue_non_negative"),
        CheckConstraint("overdue_invoice_count >= 0", name="overdue_invoice_count_non_negative"),
        CheckConstraint("days_past_due >= 0", name="days_past_due_non_negative"),
        CheckConstraint(
            "status <> 'promise_to_pay' OR (promised_date IS NOT NULL AND promised_amount > 0)",
            name="promise_complete",
        ),
        CheckConstraint(
            "(status IN ('resolved', 'written_off')) = (closed_on IS NOT NULL)", name="closed_on_when_closed"
        ),
        # One open case per client: evaluations join the existing case instead of opening another.
        Index(
            "uq_collection_cases_client_open",
            "client_id",
            unique=True,
            postgresql_where=text(OPEN_CASE_PREDICATE_SQL),
        ),
        Index("ix_collection_cases_client_id", "client_id"),
        Index("ix_collection_cases_status_aging_bucket", "status", "aging_bucket"),
    )

    id: Mapped[uuid.UUID] = uuid_pk()
    client_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("clients.id", ondelete="RESTRICT"), nullable=False)
    status: Mapped[str] = mapped_column(String(20), nullable=False, default="open")
    opened_on: Mapped[date] = mapped_column(Date, nullable=False)
    # The day the figures below were computed for (the evaluation date).
    evaluated_on: Mapped[date] = mapped_column(Date, nullable=False)
    closed_on: Mapped[date | None] = mapped_column(Date)
    total_overdue: Mapped[Decimal] = mapped_column(MONEY_SQL, nullable=False, default=Decimal("0.00"))
    overdue_invoice_count: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    oldest_due_date: Mapped[date | None] = mapped_column(Date)
    days_past_due: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    aging_bucket: Mapped[str] = mapped_column(String(10), nullable=False, default="0-30")
    promised_date: Mapped[date | None] = mapped_column(Date)
    promised_amount: Mapped[Decimal | None] = mapped_column(MONEY_SQL)


class CollectionCaseInvoice(Base):
    """An invoice that was overdue while the case was open (kept after the invoice is paid, as history)."""

    __tablename__ = "collection_case_invoices"
    __table_args__ = (Index("ix_collection_case_invoices_invoice_id", "invoice_id"),)

    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("collection_cases.id", ondelete="RESTRICT"), primary_key=True)
    invoice_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("invoices.id", ondelete="RESTRICT"), primary_key=True)
    linked_on: Mapped[date] = mapped_column(Date, nullable=False)


class CollectionAction(Base):
    """A dunning step on a case: sent by the policy (once per case and type) or logged by an agent."""

    __tablename__ = "collection_actions"
    __table_args__ = (
        one_of_check("action_type", ActionType),
        one_of_check("origin", ActionOrigin),
        # The dunning policy fires each action at most once per case, even when evaluations race.
        Index(
            "uq_collection_actions_policy_once",
            "case_id",
            "action_type",
            unique=True,
            postgresql_where=text(POLICY_ACTION_PREDICATE_SQL),
        ),
        Index("ix_collection_actions_case_id_created_at", "case_id", "created_at"),
    )

    id: Mapped[uuid.UUID] = uuid_pk()
    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("collection_cases.id", ondelete="RESTRICT"), nullable=False)
    action_type: Mapped[str] = mapped_column(String(30), nullable=False)
    origin: Mapped[str] = mapped_column(String(20), nullable=False, default="manual")
    note: Mapped[str | None] = mapped_column(Text)
    actor: Mapped[str] = mapped_column(String(120), nullable=False)
    days_past_due: Mapped[int | None] = mapped_column(Integer)
    # clock_timestamp(): actions created by one evaluation still list in the order they were created.
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.clock_timestamp(), nullable=False
    )


class OutboxEvent(Base):
    """An event for other systems (SMS/email gateway, ERP), written in the transaction that caused it."""

    __tablename__ = "outbox_events"
    __table_args__ = (
        Index("ix_outbox_events_undelivered", "created_at", postgresql_where=text("delivered_at IS NULL")),
        Index("ix_outbox_events_type", "type"),
    )

    id: Mapped[uuid.UUID] = uuid_pk()
    type: Mapped[str] = mapped_column(String(80), nullable=False)
    payload: Mapped[dict[str, Any]] = mapped_column(JSONB, nullable=False)
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.clock_timestamp(), nullable=False
    )
    delivered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
