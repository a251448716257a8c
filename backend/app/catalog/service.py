"""Offer catalog: the business rules of the catalog module. Other modules call these functions."""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from app.catalog.exceptions import OfferNotFound
from app.catalog.models import Offer


async def get_offer(session: AsyncSession, offer_id: uuid.UUID) -> Offer:
    offer = await session.get(Offer, offer_id)
    if offer is None:
        raise OfferNotFound()
    return offer
