"""Append-only audit log of critical business events (a trigger refuses UPDATE and DELETE)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, Literal

from sqlalchemy import BigInteger, DateTime, Identity, Index, String, func, insert, literal, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base, table_of
from app.kit.correlation import Actor, current_actor, get_correlation_id
from app.kit.jsonable import json_ready

# Every action the audit log records, one vocabulary for the writers (mypy holds every call to it), the
# audit-events API (an enum in the OpenAPI) and the workspace, which shows each in the operator's words.
# Values are never removed: old records keep them.
AuditAction = Literal[
    "billing_run.created",
    "billing_run.started",
    "billing_run.finished",
    "billing_run.failed",
    "billing_run.discarded",
    "invoices.issued",
    "invoice.approved_paid",
    "credit_note.issued",
    "payment.recorded",
    "refund.recorded",
    "case.opened",
    "case.status_changed",
    "call.logged",
    "reminder.sent",
    "client.created",
    "client.updated",
    "client.status_changed",
    "client.deleted",
    "client.anonymised",
    "client.legal_texts_accepted",
    "offer.created",
    "offer.updated",
    "offer.retired",
    "contract.provisioned",
    "contract.replaced",
    "contract.suspended",
    "contract.resumed",
    "contract.terminated",
    "subscriber.created",
    "subscriber.updated",
    "subscriber.terminated",
    "subscriber.technology_changed",
    "user.created",
    "user.updated",
    "webhook_endpoint.created",
    "webhook_endpoint.updated",
    "webhook_delivery.redelivered",
]
AuditEntity = Literal[
    "billing_run",
    "invoice",
    "credit_note",
    "payment",
    "collection_case",
    "client",
    "offer",
    "contract",
    "subscriber",
    "user",
    "webhook_endpoint",
    "webhook_delivery",
]


class AuditRecord(Base):
    __tablename__ = "audit_log"
    # The trails the workspace reads (migration 1900_audit_log_entity_index): one record's history, newest
    # first, and the credit notes issued on an invoice (named only inside `after`).
    __table_args__ = (
        Index("ix_audit_log_entity", "entity_type", "entity_id", "id"),
        Index(
            "ix_audit_log_credited_invoice",
            text("(after ->> 'invoice_id')"),
            postgresql_where=text("action = 'credit_note.issued'"),
        ),
    )

    id: Mapped[int] = mapped_column(BigInteger, Identity(always=True), primary_key=True)
    occurred_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now(), nullable=False)
    actor: Mapped[str] = mapped_column(String(120), nullable=False)
    role: Mapped[str] = mapped_column(String(40), nullable=False)
    action: Mapped[str] = mapped_column(String(80), nullable=False, index=True)
    entity_type: Mapped[str] = mapped_column(String(60), nullable=False)
    entity_id: Mapped[str] = mapped_column(String(64), nullable=False)
    before: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    correlation_id: Mapped[str | None] = mapped_column(String(128))


def credited_invoice_of(record: type[AuditRecord]) -> Any:
    """The invoice a `credit_note.issued` record names, as ix_audit_log_credited_invoice indexes it: the key is
    written into the statement (a bound key would not match the index's expression in a generic plan)."""
    return record.after.op("->>")(literal("invoice_id", literal_execute=True))


# The table, not the mapped class: a Core INSERT built once, with no ORM bulk-insert machinery per call.
_INSERT_AUDIT_RECORD = insert(table_of(AuditRecord))


def _audit_values(
    *,
    action: AuditAction,
    entity_type: AuditEntity,
    entity_id: uuid.UUID | str,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
    actor: Actor | None,
) -> dict[str, Any]:
    who = actor or current_actor()
    return {
        "actor": who.subject,
        "role": who.role,
        "action": action,
        "entity_type": entity_type,
        "entity_id": str(entity_id),
        # One conversion for every module: money as two-decimal strings, ids and dates as strings.
        "before": json_ready(before),
        "after": json_ready(after),
        "correlation_id": get_correlation_id(),
    }


async def record_audit(
    session: AsyncSession,
    *,
    action: AuditAction,
    entity_type: AuditEntity,
    entity_id: uuid.UUID | str,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    actor: Actor | None = None,
) -> AuditRecord:
    """Write one audit record in the caller's transaction (so it exists exactly when the change does)."""
    values = _audit_values(
        action=action, entity_type=entity_type, entity_id=entity_id, before=before, after=after, actor=actor
    )
    record = AuditRecord(**values)
    session.add(record)
    await session.flush()
    return record


async def insert_audit_record(
    session: AsyncSession,
    *,
    action: AuditAction,
    entity_type: AuditEntity,
    entity_id: uuid.UUID | str,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    actor: Actor | None = None,
) -> None:
    """The record `record_audit` writes, as one Core INSERT: for hot write paths (a payment) that never read
    the record back. It does not flush the session: the caller's pending ORM changes are written later
    in the same transaction, which the append-only log does not depend on."""
    values = _audit_values(
        action=action, entity_type=entity_type, entity_id=entity_id, before=before, after=after, actor=actor
    )
    await session.execute(_INSERT_AUDIT_RECORD, values)
