from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import Boolean, CheckConstraint, Date, DateTime, ForeignKey, Index, Integer, String, func
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base, TimestampedMixin, uuid_pk
from app.kit.vocabulary import one_of_check
from app.landing.schemas import DraftStatus, OtpChannel


class LandingDraft(TimestampedMixin, Base):
    """Partial answers of the public subscription wizard, reachable only by its random UUID."""

    __tablename__ = "landing_drafts"
    __table_args__ = (
        one_of_check("status", DraftStatus),
        CheckConstraint("expires_at > created_at", name="expiry_after_creation"),
        CheckConstraint("status = 'open' OR submitted_at IS NOT NULL", name="submitted_at_when_submitted"),
        Index("ix_landing_drafts_expires_at", "expires_at"),
    )

    # gen_random_uuid() draws 122 bits from PostgreSQL's strong random source: the id is the capability.
    id: Mapped[uuid.UUID] = uuid_pk()
    status: Mapped[str] = mapped_column(String(20), nullable=False, default="open")
    answers: Mapped[dict[str, Any]] = mapped_column(JSONB, nullable=False, default=dict)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    submitted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    contract_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("contracts.id", ondelete="SET NULL"))


class LandingLineSubmission(Base):
    """One line added through submit/new, counted per CIN (keyed digest) and UTC day against the daily cap."""

    __tablename__ = "landing_line_submissions"
    __table_args__ = (Index("ix_landing_line_submissions_cin_day", "cin_digest", "submitted_on"),)

    id: Mapped[uuid.UUID] = uuid_pk()
    cin_digest: Mapped[str] = mapped_column(String(64), nullable=False)
    submitted_on: Mapped[date] = mapped_column(Date, nullable=False)
    contract_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("contracts.id", ondelete="SET NULL"))
    existing_client: Mapped[bool] = mapped_column(Boolean, nullable=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now(), nullable=False)


class LandingOtpChallenge(Base):
    """A one-time code sent to the contact on file (MTF_LANDING_VERIFICATION=otp); only its keyed hash is kept."""

    __tablename__ = "landing_otp_challenges"
    __table_args__ = (
        one_of_check("channel", OtpChannel),
        CheckConstraint("attempts_left >= 0", name="attempts_left"),
        Index("ix_landing_otp_challenges_cin_digest", "cin_digest", "created_at"),
    )

    id: Mapped[uuid.UUID] = uuid_pk()
    cin_digest: Mapped[str] = mapped_column(String(64), nullable=False)
    code_hash: Mapped[str] = mapped_column(String(64), nullable=False)
    channel: Mapped[str] = mapped_column(String(10), nullable=False)
    attempts_left: Mapped[int] = mapped_column(Integer, nullable=False)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    verified_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now(), nullable=False)
