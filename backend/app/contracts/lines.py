"""Writes of lines (subscribers) shared by provisioning, the lifecycle and the technical line operations."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.contracts.common import actor_subject, flush_and_refresh, subscriber_summary
from app.contracts.models import Contract, Subscriber
from app.kit.audit import AuditAction, record_audit


async def subscriber_for_update(session: AsyncSession, subscriber_id: uuid.UUID) -> Subscriber:
    return (
        await session.execute(
            select(Subscriber)
            .where(Subscriber.id == subscriber_id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
    ).scalar_one()


async def live_contract_of(session: AsyncSession, subscriber_id: uuid.UUID) -> Contract | None:
    return await session.scalar(
        select(Contract)
        .where(Contract.subscriber_id == subscriber_id, Contract.status != "terminated")
        .with_for_update()
        .execution_options(populate_existing=True)
    )


async def open_line(
    session: AsyncSession, client_id: uuid.UUID, service_type: str, number: str, activated_on: date
) -> Subscriber:
    """Write a new active line (its number already reserved or allocated) and audit it."""
    actor = actor_subject()
    line = Subscriber(
        client_id=client_id,
        service_type=service_type,
        phone_number=number,
        status="active",
        activated_on=activated_on,
        created_by=actor,
        updated_by=actor,
    )
    session.add(line)
    await flush_and_refresh(session, line)
    await record_audit(
        session,
        action="subscriber.created",
        entity_type="subscriber",
        entity_id=line.id,
        after=subscriber_summary(line),
    )
    return line


async def save_line_change(
    session: AsyncSession, line: Subscriber, action: AuditAction, before: dict[str, Any]
) -> None:
    line.updated_by = actor_subject()
    await flush_and_refresh(session, line)
    await record_audit(
        session,
        action=action,
        entity_type="subscriber",
        entity_id=line.id,
        before=before,
        after=subscriber_summary(line),
    )
