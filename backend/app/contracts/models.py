from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    FetchedValue,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from app.catalog.schemas import ServiceType
from app.contracts.schemas import LineStatus, ProvisioningDecision
from app.db import Base, TimestampedMixin, uuid_pk
from app.kit.money import MONEY_SQL
from app.kit.vocabulary import one_of_check


class Subscriber(TimestampedMixin, Base):
    """The technical line: one number, one service type, owned by one client."""

    __tablename__ = "subscribers"
    __table_args__ = (
        one_of_check("service_type", ServiceType),
        one_of_check("status", LineStatus),
        CheckConstraint("phone_number ~ '^\\+212[5-8][0-9]{8}$'", name="phone_number_canonical"),
        # Mobile lines carry mobile numbers (6/7); internet and landline lines carry landline numbers (5/8).
        CheckConstraint(
            "(service_type = 'mobile' AND substr(phone_number, 5, 1) IN ('6', '7')) OR "
            "(service_type <> 'mobile' AND substr(phone_number, 5, 1) IN ('5', '8'))",
            name="number_family",
        ),
        Index(
            "uq_subscribers_number_live",
            "phone_number",
            unique=True,
            postgresql_where=text("status <> 'terminated'"),
        ),
        Index("ix_subscribers_client_id", "client_id"),
    )

    id: Mapped[uuid.UUID] = uuid_pk()
    client_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("clients.id", ondelete="RESTRICT"), nullable=False)
    service_type: Mapped[str] = mapped_column(String(20), nullable=False)
    phone_number: Mapped[str] = mapped_column(String(13), nullable=False)
    status: Mapped[str] = mapped_column(String(20), nullable=False, default="active")
    activated_on: Mapped[date] = mapped_column(Date, nullable=False)
    terminated_on: Mapped[date | None] = mapped_column(Date)


class Contract(TimestampedMixin, Base):
    """A signed contract: client + offer + subscriber, with the fees in force at signature."""

    __tablename__ = "contracts"
    __table_args__ = (
        one_of_check("status", LineStatus),
        one_of_check("service_type", ServiceType),
        CheckConstraint("end_date IS NULL OR end_date >= start_date - 1", name="dates"),
        CheckConstraint("monthly_fee > 0", name="monthly_fee_positive"),
        CheckConstraint("activation_fee >= 0", name="activation_fee_non_negative"),
        one_of_check("decision", ProvisioningDecision),
        Index("ix_contracts_client_id_status", "client_id", "status"),
        Index("ix_contracts_subscriber_id", "subscriber_id"),
        Index("ix_contracts_offer_id", "offer_id"),
        # A line has at most one live (non-terminated) contract at a time.
        Index(
            "uq_contracts_subscriber_live",
            "subscriber_id",
            unique=True,
            postgresql_where=text("status <> 'terminated'"),
        ),
    )

    id: Mapped[uuid.UUID] = uuid_pk()
    contract_number: Mapped[str] = mapped_column(String(20), nullable=False, unique=True)
    client_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("clients.id", ondelete="RESTRICT"), nullable=False)
    offer_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("offers.id", ondelete="RESTRICT"), nullable=False)
    # The offer's name at signature: invoice lines describe the contract with it, even after a rename
    # (a trigger fills it from the offer when a writer leaves it out).
    offer_name: Mapped[str] = mapped_column(String(120), nullable=False, server_default=FetchedValue())
    subscriber_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("subscribers.id", ondelete="RESTRICT"), nullable=False)
    service_type: Mapped[str] = mapped_column(String(20), nullable=False)
    status: Mapped[str] = mapped_column(String(20), nullable=False, default="active")
    decision: Mapped[str] = mapped_column(String(20), nullable=False, default="created")
    start_date: Mapped[date] = mapped_column(Date, nullable=False)
    # Last day of service (inclusive); NULL while open-ended.
    end_date: Mapped[date | None] = mapped_column(Date)
    replaced_contract_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("contracts.id", ondelete="RESTRICT"))
    monthly_fee: Mapped[Decimal] = mapped_column(MONEY_SQL, nullable=False)
    activation_fee: Mapped[Decimal] = mapped_column(MONEY_SQL, nullable=False)
    activation_fee_pending: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    terminated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class ContractNumberCounter(Base):
    """The last contract number of a calendar year; taken under the row lock, so numbers have no gaps."""

    __tablename__ = "contract_number_counters"
    __table_args__ = (CheckConstraint("last_value >= 0", name="last_value_non_negative"),)

    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    last_value: Mapped[int] = mapped_column(Integer, nullable=False, default=0)


class NumberAllocationCursor(Base):
    """Where the next scan for a free number of a pool starts (national significant number)."""

    __tablename__ = "number_allocation_cursors"

    pool: Mapped[str] = mapped_column(String(40), primary_key=True)
    next_number: Mapped[int] = mapped_column(BigInteger, nullable=False)


class ContractSuspension(Base):
    """A period during which a contract is suspended and not billed (inclusive from, exclusive resume)."""

    __tablename__ = "contract_suspensions"
    __table_args__ = (
        CheckConstraint("resumed_on IS NULL OR resumed_on > suspended_from", name="period"),
        Index("ix_contract_suspensions_contract_id", "contract_id"),
        Index(
            "uq_contract_suspensions_open",
            "contract_id",
            unique=True,
            postgresql_where=text("resumed_on IS NULL"),
        ),
    )

    id: Mapped[uuid.UUID] = uuid_pk()
    contract_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("contracts.id", ondelete="RESTRICT"), nullable=False)
    suspended_from: Mapped[date] = mapped_column(Date, nullable=False)
    resumed_on: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now(), nullable=False)
    created_by: Mapped[str | None] = mapped_column(String(120))


class ContractDocument(Base):
    """The contract PDF generated at signature, kept with its SHA-256 for integrity checks."""

    __tablename__ = "contract_documents"
    __table_args__ = (Index("ix_contract_documents_contract_id", "contract_id"),)

    id: Mapped[uuid.UUID] = uuid_pk()
    contract_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("contracts.id", ondelete="RESTRICT"), nullable=False)
    filename: Mapped[str] = mapped_column(String(120), nullable=False)
    content_type: Mapped[str] = mapped_column(String(60), nullable=False, default="application/pdf")
    size_bytes: Mapped[int] = mapped_column(BigInteger, nullable=False)
    sha256: Mapped[str] = mapped_column(String(64), nullable=False)
    content: Mapped[bytes] = mapped_column(LargeBinary, nullable=False)
    metadata_: Mapped[dict[str, Any]] = mapped_column("metadata", JSONB, nullable=False, default=dict)
    generated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now(), nullable=False)
