from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from app.catalog import service
from app.catalog.components import service_type_for
from app.catalog.exceptions import OfferNotFound, OfferRetired
from app.catalog.models import Offer
from app.catalog.schemas import OfferCreate, OfferUpdate
from app.errors import integrity_error_response
from tests.fixtures.catalog_factories import offer_payload
from tests.fixtures.factories import create_offer

ON = date(2026, 6, 15)


def offer(**overrides: object) -> Offer:
    values: dict[str, object] = {"status": "active", "valid_from": date(2026, 1, 1), "valid_to": None}
    values.update(overrides)
    return Offer(**values)


class TestIsOfferAvailable:
    @pytest.mark.parametrize(
        ("overrides", "available"),
        [
            ({}, True),
            ({"valid_from": ON}, True),
            ({"valid_to": ON}, True),
            ({"valid_from": date(2026, 6, 16)}, False),
            ({"valid_to": date(2026, 6, 14)}, False),
            ({"status": "retired"}, False),
        ],
    )
    def test_active_and_inside_its_validity(self, overrides: dict[str, object], available: bool) -> None:
        assert service.is_offer_available(offer(**overrides), ON) is available


class TestServiceTypeFor:
    @pytest.mark.parametrize(
        ("category", "access", "expected"),
        [
            ("mobile", None, "mobile"),
            ("internet", "fiber", "fiber"),
            ("internet", "adsl", "adsl"),
            ("landline", None, "landline"),
        ],
    )
    def test_derivation(self, category: str, access: str | None, expected: str) -> None:
        assert service_type_for(category, access) == expected

    def test_internet_without_access_type_has_no_service_type(self) -> None:
        with pytest.raises(ValueError, match="fiber or adsl"):
            service_type_for("internet", None)


class TestListActiveOffersGrouped:
    async def test_groups_by_category_in_order_on_the_given_date(self, session: AsyncSession) -> None:
        cheap = await create_offer(session, "mobile", monthly_fee=Decimal("49.00"))
        dear = await create_offer(session, "mobile", monthly_fee=Decimal("299.00"))
        fiber = await create_offer(session, "fiber")
        later = await create_offer(session, "landline", valid_from=date(2026, 7, 1))
        groups = await service.list_active_offers_grouped(session, ON)
        assert [(g.category, g.label) for g in groups] == [
            ("mobile", "Mobile"),
            ("internet", "Internet"),
            ("landline", "Landline"),
        ]
        mobile_ids = [o.id for o in groups[0].offers]
        assert mobile_ids.index(cheap.id) < mobile_ids.index(dear.id)
        assert fiber.id in [o.id for o in groups[1].offers]
        assert later.id not in [o.id for o in groups[2].offers]
        later_groups = await service.list_active_offers_grouped(session, date(2026, 7, 1))
        assert later.id in [o.id for o in later_groups[2].offers]


class TestCreateAndUpdate:
    async def test_create_persists_derived_service_type(self, session: AsyncSession) -> None:
        created = await service.create_offer(session, OfferCreate.model_validate(offer_payload("adsl")))
        assert created.service_type == "adsl"
        assert created.created_at is not None
        assert await service.get_offer(session, created.id) is created

    async def test_update_of_retired_offer_is_refused(self, session: AsyncSession) -> None:
        retired = await create_offer(session, "mobile")
        await service.retire_offer(session, retired.id)
        with pytest.raises(OfferRetired):
            await service.update_offer(session, retired.id, OfferUpdate.model_validate({"name": "x"}))

    async def test_unknown_offer(self, session: AsyncSession) -> None:
        with pytest.raises(OfferNotFound):
            await service.get_offer(session, uuid.uuid4())


class TestOfferCodeConstraint:
    async def test_the_unique_code_constraint_answers_offer_code_taken(self, session: AsyncSession) -> None:
        """When two creations race past the early check, the unique constraint still answers a clean 409."""
        await create_offer(session, "mobile", code="RACE-CODE")
        with pytest.raises(IntegrityError) as caught:
            async with session.begin_nested():
                await create_offer(session, "landline", code="RACE-CODE")
        response = integrity_error_response(caught.value)
        assert response.status_code == 409
        assert b'"code":"offer_code_taken"' in bytes(response.body)
        assert b'"loc":["body","code"]' in bytes(response.body)
