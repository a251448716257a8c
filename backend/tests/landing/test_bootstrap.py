from __future__ import annotations

import re
from datetime import date, timedelta
from decimal import Decimal

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from app.config import get_settings
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

    async def test_tells_the_verification_policy(
        self, client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        # The wizard needs it before any CIN is typed: under `otp` an existing client confirms with a code.
        assert (await client.get(f"{LANDING}/bootstrap")).json()["verification"] == "cin_only"
        monkeypatch.setattr(get_settings(), "landing_verification", "otp")
        assert (await client.get(f"{LANDING}/bootstrap")).json()["verification"] == "otp"


ARABIC = re.compile(r"[\u0600-\u06FF]")
LATIN_WORDS = re.compile(r"[A-Za-z]{4,}")


class TestBootstrapLegalTexts:
    async def _texts(self, client: httpx.AsyncClient, lang: str | None) -> tuple[httpx.Response, dict[str, dict]]:
        params = {"lang": lang} if lang else {}
        response = await client.get(f"{LANDING}/bootstrap", params=params)
        assert response.status_code == 200, response.text
        return response, {text["id"]: text for text in response.json()["legal_texts"]}

    async def test_french_is_the_default_and_is_french_throughout(self, client: httpx.AsyncClient) -> None:
        response, texts = await self._texts(client, None)
        assert response.headers["content-language"] == "fr"
        assert set(texts) == {"terms_of_subscription", "personal_data"}
        assert all(text["language"] == "fr" for text in texts.values())
        assert texts["terms_of_subscription"]["title"] == "Conditions générales d'abonnement"
        assert texts["terms_of_subscription"]["body"].startswith("L'abonnement commence")
        assert "loi marocaine n° 09-08" in texts["personal_data"]["body"]
        _, explicit = await self._texts(client, "fr")
        assert explicit == texts

    async def test_english_titles_and_bodies(self, client: httpx.AsyncClient) -> None:
        response, texts = await self._texts(client, "en")
        assert response.headers["content-language"] == "en"
        assert all(text["language"] == "en" for text in texts.values())
        assert texts["terms_of_subscription"]["title"] == "Terms of subscription"
        assert texts["personal_data"]["title"] == "Personal data protection (law 09-08)"
        assert texts["personal_data"]["body"].startswith("Your identity (CIN")

    async def test_arabic_titles_and_bodies_are_arabic(self, client: httpx.AsyncClient) -> None:
        response, texts = await self._texts(client, "ar")
        assert response.headers["content-language"] == "ar"
        assert all(text["language"] == "ar" for text in texts.values())
        assert texts["terms_of_subscription"]["title"] == "الشروط العامة للاشتراك"
        assert "09-08" in texts["personal_data"]["title"]
        for text in texts.values():
            assert ARABIC.search(text["title"])
            assert ARABIC.search(text["body"])
            # Only the currency code stays in Latin letters: no French or English sentence left behind.
            assert LATIN_WORDS.findall(text["title"] + text["body"]) == []

    async def test_every_language_has_the_same_texts_and_versions_in_its_own_words(
        self, client: httpx.AsyncClient
    ) -> None:
        by_language = {lang: (await self._texts(client, lang))[1] for lang in ("fr", "en", "ar")}
        ids = {lang: list(texts) for lang, texts in by_language.items()}
        assert ids["fr"] == ids["en"] == ids["ar"]
        for text_id in ids["fr"]:
            versions = {texts[text_id]["version"] for texts in by_language.values()}
            assert versions == {"2026-11"}
            bodies = {texts[text_id]["body"] for texts in by_language.values()}
            titles = {texts[text_id]["title"] for texts in by_language.values()}
            assert len(bodies) == len(titles) == 3

    @pytest.mark.parametrize("lang", ["de", "FR", "fr-MA", "", "arabic"])
    async def test_another_language_is_422_naming_the_field(self, client: httpx.AsyncClient, lang: str) -> None:
        response = await client.get(f"{LANDING}/bootstrap", params={"lang": lang})
        assert response.status_code == 422, response.text
        error = response.json()["error"]
        assert error["code"] == "validation_error"
        assert error["details"][0]["loc"] == ["query", "lang"]

    async def test_no_cache_may_keep_one_language_for_another(self, client: httpx.AsyncClient) -> None:
        for lang in ("fr", "ar"):
            response = await client.get(f"{LANDING}/bootstrap", params={"lang": lang})
            assert response.headers["cache-control"] == "no-store"
            assert "etag" not in response.headers
