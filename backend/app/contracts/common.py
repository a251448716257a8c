"""Helpers shared by the contracts service files: audit summaries, the acting user, category fit."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from app.catalog.components import SERVICE_TYPES_OF_CATEGORY
from app.catalog.models import Offer
from app.contracts.models import Contract, Subscriber
from app.kit.correlation import current_actor

# The catalog owns which line service types an offer category fits (spec 5.2).
COMPATIBLE_SERVICE_TYPES = SERVICE_TYPES_OF_CATEGORY


def actor_subject() -> str:
    return current_actor().subject


def contract_summary(contract: Contract) -> dict[str, Any]:
    fields = (
        "contract_number",
        "client_id",
        "offer_id",
        "subscriber_id",
        "service_type",
        "status",
        "decision",
        "start_date",
        "end_date",
        "replaced_contract_id",
        "monthly_fee",
        "activation_fee",
        "activation_fee_pending",
    )
    return {name: getattr(contract, name) for name in fields}


def subscriber_summary(subscriber: Subscriber) -> dict[str, Any]:
    fields = ("client_id", "service_type", "phone_number", "status", "activated_on", "terminated_on")
    return {name: getattr(subscriber, name) for name in fields}


async def flush_and_refresh(session: AsyncSession, *rows: object) -> None:
    """Flush, then reload the rows so server-set columns (updated_at) are readable without lazy IO."""
    await session.flush()
    for row in rows:
        await session.refresh(row)


def is_compatible(offer: Offer, service_type: str) -> bool:
    """True when an offer of this category fits a line of this service type."""
    return service_type in COMPATIBLE_SERVICE_TYPES[offer.category]
