"""Real concurrency on committed data: parallel public submits for one new CIN end with one client."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from app.contracts.models import Contract
from app.customers.models import Client
from app.db import database
from tests.fixtures.factories import create_offer
from tests.fixtures.landing_factories import LANDING, idem, landing_cin, new_subscription

pytestmark = pytest.mark.concurrency

SUBMIT = f"{LANDING}/submit/new"


def _assert_clean(response: httpx.Response) -> None:
    """201, or a 4xx in the error envelope: never a 500."""
    assert response.status_code == 201 or 400 <= response.status_code < 500, response.text
    if response.status_code != 201:
        assert set(response.json()["error"]) >= {"code", "message", "details", "correlation_id"}


async def _committed_offers(count: int) -> list[str]:
    async with database.sessionmaker() as session:
        offers = [await create_offer(session, "mobile") for _ in range(count)]
        await session.commit()
        return [str(offer.id) for offer in offers]


async def _holders_and_contracts(cin: str) -> tuple[list[uuid.UUID], int]:
    async with database.sessionmaker() as session:
        holders = list((await session.scalars(select(Client.id).where(Client.cin == cin))).all())
        contracts = await session.scalar(
            select(func.count()).select_from(Contract).where(Contract.client_id.in_(holders))
        )
        return holders, int(contracts or 0)


async def _in_parallel(http: httpx.AsyncClient, *requests: tuple[dict[str, Any], str]) -> list[httpx.Response]:
    return list(await asyncio.gather(*(http.post(SUBMIT, json=body, headers=idem(key)) for body, key in requests)))


class TestParallelSubmitNewForOneNewCin:
    @pytest.mark.parametrize("same_offer", [False, True], ids=["two-offers", "one-offer"])
    async def test_two_subscriptions_create_one_client_and_both_succeed(
        self, live_client: httpx.AsyncClient, same_offer: bool
    ) -> None:
        offers = await _committed_offers(2)
        cin = landing_cin()
        bodies = [new_subscription(offers[0 if same_offer else i], cin=cin, email=f"twin{i}@gmail.com") for i in (0, 1)]

        answers = await _in_parallel(live_client, (bodies[0], uuid.uuid4().hex), (bodies[1], uuid.uuid4().hex))

        for answer in answers:
            _assert_clean(answer)
        # The second waits for the first and reuses its client: never `client_cin_taken` for the same person.
        assert [answer.status_code for answer in answers] == [201, 201], [answer.text for answer in answers]
        assert sorted(answer.json()["client"]["reused_existing_client"] for answer in answers) == [False, True]
        holders, contracts = await _holders_and_contracts(cin)
        assert len(holders) == 1
        assert contracts == 2

    async def test_two_different_people_claiming_one_new_cin_leave_one_client(
        self, live_client: httpx.AsyncClient
    ) -> None:
        (offer,) = await _committed_offers(1)
        cin = landing_cin()
        bodies = [
            new_subscription(offer, cin=cin, first_name="Yasmine"),
            new_subscription(offer, cin=cin, first_name="Karim"),
        ]

        answers = await _in_parallel(live_client, (bodies[0], uuid.uuid4().hex), (bodies[1], uuid.uuid4().hex))

        for answer in answers:
            _assert_clean(answer)
        assert sorted(answer.status_code for answer in answers) == [201, 409]
        refused = next(answer for answer in answers if answer.status_code == 409)
        assert refused.json()["error"]["code"] == "subscription_refused"
        holders, contracts = await _holders_and_contracts(cin)
        assert len(holders) == 1
        assert contracts == 1

    async def test_the_same_key_sent_twice_at_once_writes_once(self, live_client: httpx.AsyncClient) -> None:
        (offer,) = await _committed_offers(1)
        cin = landing_cin()
        body = new_subscription(offer, cin=cin)
        key = uuid.uuid4().hex

        answers = await _in_parallel(live_client, (body, key), (body, key))

        for answer in answers:
            _assert_clean(answer)
        assert 201 in [answer.status_code for answer in answers]
        for answer in answers:
            if answer.status_code != 201:
                assert answer.json()["error"]["code"] == "idempotency_key_in_progress"
        holders, contracts = await _holders_and_contracts(cin)
        assert len(holders) == 1
        assert contracts == 1
