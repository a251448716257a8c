from __future__ import annotations

import asyncio
import re
import time

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from app.config import get_settings
from app.db import database
from app.landing import tokens
from tests.fixtures.factories import create_client
from tests.fixtures.landing_factories import LANDING, landing_cin

VERIFY = f"{LANDING}/clients/verify-cin"


class TestVerifyCin:
    async def test_a_known_cin_gets_a_lookup_token_and_masked_contacts(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        holder = await create_client(session, cin="YB482913", email="yasmine.benali@gmail.com", phone="+212661234522")

        response = await client.post(VERIFY, json={"cin": " yb482913 "})

        assert response.status_code == 200, response.text
        body = response.json()
        assert body["masked_email"] == "y***@gmail.com"
        assert body["masked_phone"] == "+212 6** ** ** 22"
        assert body["masked_cin"] == "YB****13"
        assert body["token_type"] == "landing_lookup"
        assert 14 * 60 <= body["expires_in"] <= 15 * 60
        tokens.verify_lookup_token(get_settings(), body["lookup_token"], holder.cin)
        for raw in ("YB482913", "yasmine.benali@gmail.com", "661234522"):
            assert raw not in response.text

    async def test_an_unknown_cin_gets_the_same_answer_shape_and_no_data(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        await create_client(session, cin="YB482914")
        known = await client.post(VERIFY, json={"cin": "YB482914"})
        unknown = await client.post(VERIFY, json={"cin": "YB482915"})

        assert unknown.status_code == known.status_code == 200
        assert set(unknown.json()) == set(known.json())
        assert unknown.headers["content-type"] == known.headers["content-type"]
        # Placeholders that look like masked contacts: the same kinds of values, the same length class.
        assert re.fullmatch(r"[a-z]\*\*\*@[a-z.]+", unknown.json()["masked_email"])
        assert re.fullmatch(r"\+212 [67]\*\* \*\* \*\* \d\d", unknown.json()["masked_phone"])
        assert abs(len(unknown.content) - len(known.content)) <= 8
        # The token is real: it opens the lookups, which simply find nothing.
        token = unknown.json()["lookup_token"]
        subscriptions = await client.get(f"{LANDING}/clients/YB482915/subscriptions", params={"lookup_token": token})
        assert subscriptions.status_code == 200
        assert subscriptions.json() == {"items": [], "total": 0}
        invoices = await client.get(f"{LANDING}/clients/YB482915/invoices", params={"lookup_token": token})
        assert invoices.status_code == 200
        assert invoices.json()["items"] == []

    async def test_known_and_unknown_cins_take_at_least_the_same_padded_time(
        self, client: httpx.AsyncClient, session: AsyncSession, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        await create_client(session, cin="YB482916")
        # A first request pays one-time costs (connections, caches) that are not what is measured here.
        assert (await client.post(VERIFY, json={"cin": landing_cin()})).status_code == 200
        monkeypatch.setattr(get_settings(), "landing_verify_cin_min_seconds", 0.3)
        durations = {}
        for cin in ("YB482916", "YB482917"):
            started = time.monotonic()
            response = await client.post(VERIFY, json={"cin": cin})
            durations[cin] = time.monotonic() - started
            assert response.status_code == 200
        assert min(durations.values()) >= 0.3
        # Similar, not merely both slow: the lookup itself is far below the padding.
        assert max(durations.values()) - min(durations.values()) < 0.2

    async def test_the_padding_waits_after_the_database_connection_is_given_back(
        self, live_client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        # A padded answer must not hold a pooled connection while it waits: otherwise slow verify-cin calls
        # from many addresses would exhaust the pool of the whole API.
        assert (await live_client.post(VERIFY, json={"cin": landing_cin()})).status_code == 200  # warm-up
        monkeypatch.setattr(get_settings(), "landing_verify_cin_min_seconds", 1.0)
        real_sleep = asyncio.sleep
        connections_held: list[int] = []

        async def observed_sleep(delay: float) -> None:
            connections_held.append(database.engine.sync_engine.pool.checkedout())  # type: ignore[attr-defined]
            await real_sleep(delay)

        monkeypatch.setattr(asyncio, "sleep", observed_sleep)
        response = await live_client.post(VERIFY, json={"cin": landing_cin()})
        monkeypatch.setattr(asyncio, "sleep", real_sleep)

        assert response.status_code == 200, response.text
        assert connections_held == [0]

    @pytest.mark.parametrize("cin", ["987654", "ABC98765", "AB-98765", "AB987654321", ""])
    async def test_a_malformed_cin_is_422_naming_the_field(self, client: httpx.AsyncClient, cin: str) -> None:
        response = await client.post(VERIFY, json={"cin": cin})
        assert response.status_code == 422
        error = response.json()["error"]
        assert error["details"][0]["loc"] == ["body", "cin"]
        if cin:
            assert cin not in error["message"] + str(error["details"])

    async def test_a_staff_token_is_not_needed(self, client: httpx.AsyncClient) -> None:
        response = await client.post(VERIFY, json={"cin": landing_cin()})
        assert response.status_code == 200
