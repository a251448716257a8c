"""The client-history hooks: modules that keep history about a client answer here (spec 5.2).

A client may be hard-deleted only when no registered check finds history, and terminated only when no
live-service check finds a live contract. Customers cannot import the modules built on it, so they
register their checks through app.wiring; the registries refuse to be read before the wiring has
completed them, so a process that forgot to wire fails instead of answering "no history". The foreign
keys to `clients` are ON DELETE RESTRICT as well.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable

from sqlalchemy.ext.asyncio import AsyncSession

from app.kit.registry import Registry

HistoryCheck = Callable[[AsyncSession, uuid.UUID], Awaitable[bool]]

# kind (e.g. "contract") -> check(session, client_id) -> True when the client has that kind of history
client_history_checks: Registry[HistoryCheck] = Registry("client history")
# kind -> check(session, client_id) -> True when the client still holds live services of that kind
live_service_checks: Registry[HistoryCheck] = Registry("live services")


def register_client_history_check(kind: str, check: HistoryCheck) -> None:
    """Register `check(session, client_id) -> True when the client has `kind` history` (tests add their own)."""
    client_history_checks.register(kind, check)


def unregister_client_history_check(kind: str) -> None:
    """Remove the check registered under `kind` (tests register temporary ones)."""
    client_history_checks.unregister(kind)


# kind -> check(session, client_id) -> True when the client still owes money of that kind (an unpaid invoice)
outstanding_balance_checks: Registry[HistoryCheck] = Registry("outstanding balances")
# kind -> eraser(session, cin) -> how many records of that kind had the client's personal data replaced
PersonalDataEraser = Callable[[AsyncSession, str], Awaitable[int]]
personal_data_erasers: Registry[PersonalDataEraser] = Registry("personal data erasers")


async def client_history(session: AsyncSession, client_id: uuid.UUID) -> list[str]:
    """The kinds of history the client has, in registration order (empty: hard delete allowed)."""
    return [kind for kind, check in client_history_checks.items() if await check(session, client_id)]


async def outstanding_balances(session: AsyncSession, client_id: uuid.UUID) -> list[str]:
    """The kinds of money the client still owes (empty: nothing outstanding)."""
    return [kind for kind, check in outstanding_balance_checks.items() if await check(session, client_id)]


async def erase_personal_data_elsewhere(session: AsyncSession, cin: str) -> dict[str, int]:
    """Have every module holding copies of the client's personal data (keyed by CIN) replace them."""
    return {kind: await eraser(session, cin) for kind, eraser in personal_data_erasers.items()}


async def live_services(session: AsyncSession, client_id: uuid.UUID) -> list[str]:
    """The kinds of live services the client holds (empty: the client may be terminated)."""
    return [kind for kind, check in live_service_checks.items() if await check(session, client_id)]
