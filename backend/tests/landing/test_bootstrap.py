from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from app.kit.dates import utc_today
from tests.fixtures.factories import create_offer
from tests.fixtures.landing_factories import LANDING


class TestBootstrap:
    async def test_lists_offers_on_sale_by_category_with_components_and_fees(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        mobile = await create_offer(session, "mobile", monthly_fee=Decimal("99.00"), activation_fee=Decimal("0.00"))
        fiber = await create_offer(session, "fiber")
        landline = await create_offer(session, "landline")
        retired = await create_offer(session, "mobile", status="retired")
        future = await create_offer(session, "adsl", valid_from=utc_today() + timedelta(days=10))

        response = await client.get(f"{LANDING}/bootstrap")

        assert response.status_code == 200, response.text
        body = response.json()
        by_category = {group["category"]: group for group in body["categories"]}
        assert list(by_category) == ["mobile", "internet", "landline"]
        assert by_category["mobile"]["numbering"] == "mobile"
        assert by_category["internet"]["numbering"] == "home_landline"
        offered = {offer["id"] for group in body["categories"] for offer in group["offers"]}
        assert {str(mobile.id), str(fiber.id), str(landline.id)} <= offered
        assert str(retired.id) not in offered
        assert str(future.id) not in offered
        shown = next(offer for offer in by_category["mobile"]["offers"] if offer["id"] == str(mobile.id))
        assert shown["monthly_fee"] == "99.00"
        assert shown["activation_fee"] == "0.00"
        assert shown["mobile_data_gb"] is not None
        # Internal bookkeeping is not public.
        assert "created_by" not in shown
        assert "status" not in shown
        fiber_shown = next(offer for offer in by_category["internet"]["offers"] if offer["id"] == str(fiber.id))
        assert fiber_shown["internet_access_type"] == "fiber"
        assert fiber_shown["internet_landline_included"] is True

    async def test_gives_number_formats_start_dates_and_legal_texts(self, client: httpx.AsyncClient) -> None:
        body = (await client.get(f"{LANDING}/bootstrap")).json()

        formats = body["number_formats"]
        assert "+212 6 55 33 44 22" in formats["accepted_examples"]
        assert "06 55 33 44 22" in formats["accepted_examples"]
        assert formats["mobile_first_digits"] == ["6", "7"]
        assert formats["landline_first_digits"] == ["5", "8"]
        today = utc_today()
        assert body["contract_start_dates"] == {
            "earliest": today.isoformat(),
            "latest": (today + timedelta(days=90)).isoformat(),
        }
        assert {text["id"] for text in body["legal_texts"]} == {"terms_of_subscription", "personal_data"}
        assert all(text["body"] and text["version"] for text in body["legal_texts"])
        assert body["draft_lifetime_days"] == 7
        assert body["lookup_token_minutes"] == 15
        assert date.fromisoformat(body["contract_start_dates"]["latest"]) > today

    async def test_needs_no_staff_token(self, client: httpx.AsyncClient) -> None:
        response = await client.get(f"{LANDING}/bootstrap", headers={"Authorization": "Bearer nonsense"})
        assert response.status_code == 200
