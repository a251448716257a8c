"""Clients: the business rules of the customers module. Other modules call these functions."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.customers.exceptions import ClientNotFound
from app.customers.models import Client


async def get_client(session: AsyncSession, client_id: uuid.UUID, *, for_update: bool = False) -> Client:
    """A live (not soft-deleted) client, or ClientNotFound."""
    stmt = select(Client).where(Client.id == client_id, Client.deleted_at.is_(None))
    if for_update:
        stmt = stmt.with_for_update()
    client = await session.scalar(stmt)
    if client is None:
        raise ClientNotFound()
    return client
