"""Transaction-scoped PostgreSQL advisory locks, namespaced so modules never collide by accident."""

from __future__ import annotations

import enum
from typing import Any

from sqlalchemy import ColumnElement, Integer, String, bindparam, func, select
from sqlalchemy.ext.asyncio import AsyncSession


class LockNamespace(enum.IntEnum):
    IDEMPOTENCY = 1001
    # One lock per client serialises everything that moves a client's money or lines: provisioning,
    # billing a client, recording a payment. Modules share it so they cannot interleave.
    CLIENT = 1002
    NUMBER_ALLOCATION = 1003
    CONTRACT_NUMBER = 1004
    INVOICE_NUMBER = 1005
    MAINTENANCE = 1006
    # Find-or-create of a client by CIN (public subscriptions): the second of two parallel requests waits
    # and reuses the client the first created, instead of failing on the unique CIN.
    CLIENT_CIN = 1007
    CREDIT_NOTE_NUMBER = 1014


# Built once with bound parameters: composing and cache-keying a statement on every call cost more Python
# time than sending it (these run on every payment and every keyed write).
_NAMESPACE = bindparam("namespace", type_=Integer)
_KEY = func.hashtext(bindparam("key", type_=String))
_LOCK = select(func.pg_advisory_xact_lock(_NAMESPACE, _KEY))
_TRY_LOCK = select(func.pg_try_advisory_xact_lock(_NAMESPACE, _KEY))


async def lock(session: AsyncSession, namespace: LockNamespace, key: str) -> None:
    """Wait for the lock; it is released when the transaction ends."""
    await session.execute(_LOCK, {"namespace": int(namespace), "key": key})


async def try_lock(session: AsyncSession, namespace: LockNamespace, key: str) -> bool:
    """Take the lock if nobody holds it; never waits."""
    acquired = await session.scalar(_TRY_LOCK, {"namespace": int(namespace), "key": key})
    return bool(acquired)


async def lock_client(session: AsyncSession, client_id: object) -> None:
    await lock(session, LockNamespace.CLIENT, client_lock_key(client_id))


def client_lock_taken() -> ColumnElement[Any]:
    """The client lock of `lock_client` as an SQL expression, to take it inside another statement (one round
    trip fewer); the client's id goes in the bound parameter `client_lock_key` (see `client_lock_key`)."""
    return func.pg_advisory_xact_lock(
        int(LockNamespace.CLIENT), func.hashtext(bindparam("client_lock_key", type_=String))
    )


def client_lock_key(client_id: object) -> str:
    """The key `lock_client` locks for this client: both ways of taking the lock must name the same lock."""
    return str(client_id)
