from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, Index, String
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base, TimestampedMixin, uuid_pk

DRAFT_STATUSES = ("open", "submitted")


class LandingDraft(TimestampedMixin, Base):
    """Partial answers of the public subscription wizard, reachable only by its random UUID."""

    __tablename__ = "landing_drafts"
    __table_args__ = (
        CheckConstraint("status IN ('open', 'submitted')", name="status"),
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
