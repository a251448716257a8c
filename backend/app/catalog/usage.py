"""The offer-usage hook: modules whose records sell an offer (contracts) answer here.

An offer in use keeps its service type: contracts and lines copied it at signature, and provisioning
matches lines to offers by it (spec 5.2), so a fiber offer turned ADSL would contradict its own contracts.
The catalog cannot import the modules that depend on it: they register through app.wiring, and the
registry refuses to be read before the wiring completed it (never "not in use" by omission).
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable

from sqlalchemy.ext.asyncio import AsyncSession

from app.kit.registry import Registry

OfferUsageCheck = Callable[[AsyncSession, uuid.UUID], Awaitable[bool]]

# kind (e.g. "contract") -> check(session, offer_id) -> True when some record of that kind uses the offer
offer_usage_checks: Registry[OfferUsageCheck] = Registry("offer usage")


def register_offer_usage_check(kind: str, check: OfferUsageCheck) -> None:
    """Register `check(session, offer_id) -> True when some `kind` record uses the offer` (tests add their own)."""
    offer_usage_checks.register(kind, check)


def unregister_offer_usage_check(kind: str) -> None:
    """Remove the check registered under `kind` (tests register temporary ones)."""
    offer_usage_checks.unregister(kind)


async def offer_usage(session: AsyncSession, offer_id: uuid.UUID) -> list[str]:
    """The kinds of records using the offer, in registration order (empty: the offer is not in use)."""
    return [kind for kind, check in offer_usage_checks.items() if await check(session, offer_id)]
