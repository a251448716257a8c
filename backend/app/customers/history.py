"""The client-history hook: modules that keep history about a client register a check here.

A client may be hard-deleted only when no registered check finds history (spec 5.2). The foreign keys
to `clients` are ON DELETE RESTRICT as well, so a module that forgot to register still cannot lose data.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable

from sqlalchemy.ext.asyncio import AsyncSession

HistoryCheck = Callable[[AsyncSession, uuid.UUID], Awaitable[bool]]

_checks: dict[str, HistoryCheck] = {}


def register_client_history_check(kind: str, check: HistoryCheck) -> None:
    """Register `check(session, client_id) -> True when the client has `kind` history` (e.g. "contract")."""
    _checks[kind] = check


def unregister_client_history_check(kind: str) -> None:
    """Remove the check registered under `kind` (tests register temporary ones)."""
    _checks.pop(kind, None)


async def client_history(session: AsyncSession, client_id: uuid.UUID) -> list[str]:
    """The kinds of history the client has, in registration order (empty: hard delete allowed)."""
    return [kind for kind, check in list(_checks.items()) if await check(session, client_id)]


# Live services: a client still holding active or suspended contracts cannot be terminated; the contracts
# module registers the check (customers cannot import it).
_live_service_checks: dict[str, HistoryCheck] = {}


def register_live_service_check(kind: str, check: HistoryCheck) -> None:
    """Register `check(session, client_id) -> True when the client still has live `kind` (e.g. "contract")`."""
    _live_service_checks[kind] = check


async def live_services(session: AsyncSession, client_id: uuid.UUID) -> list[str]:
    """The kinds of live services the client holds (empty: the client may be terminated)."""
    return [kind for kind, check in list(_live_service_checks.items()) if await check(session, client_id)]
