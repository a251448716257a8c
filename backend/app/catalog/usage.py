"""The offer-usage hook: modules whose records sell an offer (contracts) register a check here.

An offer in use keeps its service type: contracts and lines copied it at signature, and provisioning
matches lines to offers by it (spec 5.2), so a fiber offer turned ADSL would contradict its own contracts.
The catalog cannot import the modules that depend on it, hence the registry, as for client history.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable

from sqlalchemy.ext.asyncio import AsyncSession

OfferUsageCheck = Callable[[AsyncSession, uuid.UUID], Awaitable[bool]]

_checks: dict[str, OfferUsageCheck] = {}


def register_offer_usage_check(kind: str, check: OfferUsageCheck) -> None:
    """Register `check(session, offer_id) -> True when some `kind` record (e.g. "contract") uses the offer`."""
    _checks[kind] = check


def unregister_offer_usage_check(kind: str) -> None:
    """Remove the check registered under `kind` (tests register temporary ones)."""
    _checks.pop(kind, None)


async def offer_usage(session: AsyncSession, offer_id: uuid.UUID) -> list[str]:
    """The kinds of records using the offer, in registration order (empty: the offer is not in use)."""
    return [kind for kind, check in list(_checks.items()) if await check(session, offer_id)]
