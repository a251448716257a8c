"""The transactional outbox: collections events for an SMS/email gateway or any other consumer.

An event is inserted in the same transaction as the change it describes, so it exists exactly when the
change does. A consumer reads undelivered events oldest first (`FOR UPDATE SKIP LOCKED` lets several
consumers share the work), delivers them, and sets `delivered_at`.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.collections.models import OutboxEvent
from app.db import table_of
from app.kit.jsonable import json_ready


async def publish(session: AsyncSession, event_type: str, payload: dict[str, Any]) -> OutboxEvent:
    """Write one event in the caller's transaction."""
    event = OutboxEvent(type=event_type, payload=json_ready(payload))
    session.add(event)
    await session.flush()
    return event


# The table, not the mapped class: a Core INSERT built once, with no ORM bulk-insert machinery per call.
_INSERT_EVENT = insert(table_of(OutboxEvent))


async def insert_event(session: AsyncSession, event_type: str, payload: dict[str, Any]) -> None:
    """The event `publish` writes, as one Core INSERT: for hot write paths (a payment) that never read the
    event back. It does not flush the session (the event depends on no pending ORM change)."""
    await session.execute(_INSERT_EVENT, {"type": event_type, "payload": json_ready(payload)})


async def claim_undelivered(session: AsyncSession, *, limit: int = 100) -> list[OutboxEvent]:
    """Undelivered events, oldest first, locked for this consumer's transaction (others skip them)."""
    stmt = (
        select(OutboxEvent)
        .where(OutboxEvent.delivered_at.is_(None))
        .order_by(OutboxEvent.created_at, OutboxEvent.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    return list(await session.scalars(stmt))


async def mark_delivered(session: AsyncSession, event_ids: list[uuid.UUID]) -> None:
    """Record that the consumer has handed these events over."""
    if event_ids:
        await session.execute(
            update(OutboxEvent)
            .where(OutboxEvent.id.in_(event_ids), OutboxEvent.delivered_at.is_(None))
            .values(delivered_at=func.now())
            .execution_options(synchronize_session=False)
        )


async def get_event(session: AsyncSession, event_id: uuid.UUID) -> OutboxEvent:
    """One event by id (the webhook dispatcher reads the event of a delivery)."""
    return await session.get_one(OutboxEvent, event_id)
