"""Offer catalog: the business rules of the catalog module. Other modules call these functions."""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.catalog.components import (
    CATEGORY_LABELS,
    COMPONENT_FIELDS,
    component_problems,
    service_type_for,
    validity_problems,
)
from app.catalog.exceptions import InvalidOffer, OfferCodeTaken, OfferInUse, OfferNotFound, OfferRetired
from app.catalog.models import OFFER_CATEGORIES, Offer
from app.catalog.schemas import OfferCreate, OfferUpdate
from app.catalog.usage import offer_usage
from app.kit.audit import record_audit
from app.kit.correlation import current_actor
from app.kit.pagination import PageParams, fetch_page
from app.kit.search import escape_like

logger = logging.getLogger(__name__)


_AUDITED_FIELDS = (
    "code",
    "name",
    "description",
    "category",
    "service_type",
    "monthly_fee",
    "activation_fee",
    "valid_from",
    "valid_to",
    "status",
    *COMPONENT_FIELDS,
)


@dataclass(frozen=True)
class OfferGroup:
    """The offers of one category, as shown to staff and on the landing page."""

    category: str
    label: str
    offers: list[Offer]


def _audit_value(value: Any) -> Any:
    # JSONB keeps strings for money and dates so the trail reads exactly as the API did.
    if isinstance(value, date):
        return value.isoformat()
    if value is not None and not isinstance(value, bool | int | str):
        return str(value)
    return value


def _summary(offer: Offer, fields: tuple[str, ...] | list[str] = _AUDITED_FIELDS) -> dict[str, Any]:
    return {name: _audit_value(getattr(offer, name)) for name in fields}


async def get_offer(session: AsyncSession, offer_id: uuid.UUID) -> Offer:
    """The offer with this id (active or retired), or OfferNotFound."""
    offer = await session.get(Offer, offer_id)
    if offer is None:
        raise OfferNotFound()
    return offer


def is_offer_available(offer: Offer, on: date) -> bool:
    """True when the offer is active and `on` falls inside its validity (valid_to open means forever)."""
    return offer.status == "active" and offer.valid_from <= on and (offer.valid_to is None or on <= offer.valid_to)


async def create_offer(session: AsyncSession, payload: OfferCreate) -> Offer:
    """Create an active offer; service_type is derived from the category and access type."""
    if await session.scalar(select(Offer.id).where(Offer.code == payload.code)) is not None:
        raise OfferCodeTaken()
    actor = current_actor().subject
    offer = Offer(
        **payload.model_dump(),
        service_type=service_type_for(payload.category, payload.internet_access_type),
        status="active",
        created_by=actor,
        updated_by=actor,
    )
    session.add(offer)
    await session.flush()
    await session.refresh(offer)
    await record_audit(session, action="offer.created", entity_type="offer", entity_id=offer.id, after=_summary(offer))
    logger.info("offer %s (%s) created", offer.code, offer.id)
    return offer


async def update_offer(session: AsyncSession, offer_id: uuid.UUID, payload: OfferUpdate) -> Offer:
    """Apply the fields sent to an active offer; its components are re-checked as a whole (spec 5.1).

    The service type (fiber or adsl) of an offer in use stays: OfferInUse.
    """
    offer = await _get_for_update(session, offer_id)
    if offer.status == "retired":
        raise OfferRetired()
    changes = payload.model_dump(exclude_unset=True)
    merged = {name: changes.get(name, getattr(offer, name)) for name in (*COMPONENT_FIELDS, "valid_from", "valid_to")}
    problems = component_problems(offer.category, merged) + validity_problems(merged["valid_from"], merged["valid_to"])
    if problems:
        raise InvalidOffer(problems)
    if offer.category == "internet":
        changes["service_type"] = service_type_for(offer.category, merged["internet_access_type"])
        if changes["service_type"] != offer.service_type and (usage := await offer_usage(session, offer.id)):
            raise OfferInUse("internet_access_type", usage)

    changed = {name: value for name, value in changes.items() if getattr(offer, name) != value}
    if not changed:
        return offer
    before = _summary(offer, list(changed))
    for name, value in changed.items():
        setattr(offer, name, value)
    offer.updated_by = current_actor().subject
    await session.flush()
    await session.refresh(offer)
    await record_audit(
        session,
        action="offer.updated",
        entity_type="offer",
        entity_id=offer.id,
        before=before,
        after=_summary(offer, list(changed)),
    )
    logger.info("offer %s updated: %s", offer.code, ", ".join(sorted(changed)))
    return offer


async def retire_offer(session: AsyncSession, offer_id: uuid.UUID) -> Offer:
    """Take an offer off sale for good (offers are retired, never deleted); retiring twice is OfferRetired."""
    offer = await _get_for_update(session, offer_id)
    if offer.status == "retired":
        raise OfferRetired()
    offer.status = "retired"
    offer.retired_at = datetime.now(UTC)
    offer.updated_by = current_actor().subject
    await session.flush()
    await session.refresh(offer)
    await record_audit(
        session,
        action="offer.retired",
        entity_type="offer",
        entity_id=offer.id,
        before={"status": "active"},
        after={"status": "retired", "retired_at": offer.retired_at.isoformat() if offer.retired_at else None},
    )
    logger.info("offer %s retired", offer.code)
    return offer


async def _get_for_update(session: AsyncSession, offer_id: uuid.UUID) -> Offer:
    offer = await session.scalar(select(Offer).where(Offer.id == offer_id).with_for_update())
    if offer is None:
        raise OfferNotFound()
    return offer


def _list_statement(
    *, category: str | None, service_type: str | None, status: str | None, q: str | None, code: str | None
) -> Select[Offer]:
    stmt = select(Offer)
    if code is not None:
        stmt = stmt.where(Offer.code == code.strip().upper())
    if category:
        stmt = stmt.where(Offer.category == category)
    if service_type:
        stmt = stmt.where(Offer.service_type == service_type)
    if status:
        stmt = stmt.where(Offer.status == status)
    if q and q.strip():
        like = f"%{escape_like(q.strip())}%"
        conditions: list[ColumnElement[bool]] = [
            Offer.code.ilike(like, escape="\\"),
            Offer.name.ilike(like, escape="\\"),
            Offer.description.ilike(like, escape="\\"),
        ]
        stmt = stmt.where(or_(*conditions))
    return stmt.order_by(Offer.created_at.desc(), Offer.code)


def offers_export_statement(
    *,
    category: str | None = None,
    service_type: str | None = None,
    status: str | None = None,
    q: str | None = None,
    code: str | None = None,
) -> Select[Offer]:
    """Every offer matching the list's filters, in the list's order: the rows of a CSV export."""
    return _list_statement(category=category, service_type=service_type, status=status, q=q, code=code)


async def list_offers(
    session: AsyncSession,
    page: PageParams,
    *,
    category: str | None = None,
    service_type: str | None = None,
    status: str | None = None,
    q: str | None = None,
    code: str | None = None,
) -> tuple[list[Offer], int]:
    """One page of offers (active and retired) matching the filters, newest first, with the total."""
    stmt = _list_statement(category=category, service_type=service_type, status=status, q=q, code=code)
    return await fetch_page(session, stmt, page)


async def list_active_offers_grouped(session: AsyncSession, on: date) -> list[OfferGroup]:
    """Offers on sale on `on`, grouped by category; all three categories are always listed, in order."""
    stmt = (
        select(Offer)
        .where(
            Offer.status == "active",
            Offer.valid_from <= on,
            or_(Offer.valid_to.is_(None), Offer.valid_to >= on),
        )
        .order_by(Offer.monthly_fee, Offer.name, Offer.code)
    )
    offers = list((await session.scalars(stmt)).all())
    return [
        OfferGroup(
            category=category,
            label=CATEGORY_LABELS[category],
            offers=[offer for offer in offers if offer.category == category],
        )
        for category in OFFER_CATEGORIES
    ]
