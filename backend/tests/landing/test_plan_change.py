from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.catalog.models import Offer
from app.config import get_settings
from app.contracts.models import Contract
from app.landing import tokens
from tests.fixtures.factories import create_offer
from tests.fixtures.landing_factories import LANDING, idem, landing_cin, start_in, subscribe, verify_cin

PLAN_CHANGE = f"{LANDING}/submit/plan-change"


class _Subscribed:
    def __init__(self, cin: str, contract_id: str, token: str, new_offer: Offer) -> None:
        self.cin, self.contract_id, self.token, self.new_offer = cin, contract_id, token, new_offer

    def body(self, **overrides: Any) -> dict[str, Any]:
        body: dict[str, Any] = {
            "cin": self.cin,
            "lookup_token": self.token,
            "contract_id": self.contract_id,
            "offer_id": str(self.new_offer.id),
            "contract_start_date": start_in(10).isoformat(),
        }
        body.update(overrides)
        return body


@pytest.fixture
async def subscribed(client: httpx.AsyncClient, session: AsyncSession) -> _Subscribed:
    """A landing client with one mobile contract from today, a lookup token, and a pricier mobile offer."""
    offer = await create_offer(session, "mobile", monthly_fee=Decimal("99.00"))
    new_offer = await create_offer(session, "mobile", monthly_fee=Decimal("249.00"), activation_fee=Decimal("80.00"))
    cin = landing_cin()
    answer = await subscribe(client, offer, cin=cin, contract_start_date=start_in(0).isoformat())
    await session.commit()
    return _Subscribed(cin, answer["contract"]["contract_id"], await verify_cin(client, cin), new_offer)


class TestPlanChange:
    async def test_the_chosen_start_date_is_the_new_contracts_effective_start(
        self, client: httpx.AsyncClient, session: AsyncSession, subscribed: _Subscribed
    ) -> None:
        effective = start_in(10)
        response = await client.post(
            PLAN_CHANGE, json=subscribed.body(contract_start_date=effective.isoformat()), headers=idem()
        )

        assert response.status_code == 201, response.text
        answer = response.json()
        assert answer["effective_date"] == effective.isoformat()
        assert answer["contract"]["start_date"] == effective.isoformat()
        assert answer["contract"]["decision"] == "upgraded"
        assert answer["contract"]["offer"]["id"] == str(subscribed.new_offer.id)
        # Same line, same technology: no activation fee on a plan change.
        assert answer["contract"]["activation_fee"] == "0.00"
        assert answer["replaced_contract_id"] == subscribed.contract_id
        assert answer["replaced_contract_end_date"] == (effective - timedelta(days=1)).isoformat()
        assert answer["document"]["url"].startswith(f"{LANDING}/contracts/{answer['contract']['contract_id']}/document")

        new = await session.get(Contract, uuid.UUID(answer["contract"]["contract_id"]))
        old = await session.get(Contract, uuid.UUID(subscribed.contract_id))
        assert new is not None
        assert old is not None
        assert new.start_date == effective
        assert new.replaced_contract_id == old.id
        assert old.end_date == effective - timedelta(days=1)
        assert new.subscriber_id == old.subscriber_id

    async def test_the_subscriptions_lookup_shows_the_new_plan(
        self, client: httpx.AsyncClient, subscribed: _Subscribed
    ) -> None:
        response = await client.post(PLAN_CHANGE, json=subscribed.body(), headers=idem())
        assert response.status_code == 201, response.text
        listed = await client.get(
            f"{LANDING}/clients/{subscribed.cin}/subscriptions", params={"lookup_token": subscribed.token}
        )
        items = listed.json()["items"]
        assert [item["contract_id"] for item in items] == [response.json()["contract"]["contract_id"]]
        assert items[0]["offer"]["id"] == str(subscribed.new_offer.id)

    async def test_a_retry_with_a_fresh_token_replays_the_same_answer(
        self, client: httpx.AsyncClient, session: AsyncSession, subscribed: _Subscribed
    ) -> None:
        first = await client.post(PLAN_CHANGE, json=subscribed.body(), headers=idem("plan-change-1"))
        assert first.status_code == 201, first.text
        fresh = await verify_cin(client, subscribed.cin)
        replay = await client.post(PLAN_CHANGE, json=subscribed.body(lookup_token=fresh), headers=idem("plan-change-1"))
        assert replay.status_code == 201
        assert replay.headers["Idempotent-Replayed"] == "true"
        assert replay.json() == first.json()
        count = select(func.count()).select_from(Contract).where(Contract.offer_id == subscribed.new_offer.id)
        assert await session.scalar(count) == 1

    async def test_the_same_key_with_another_change_is_a_conflict(
        self, client: httpx.AsyncClient, session: AsyncSession, subscribed: _Subscribed
    ) -> None:
        assert (
            await client.post(PLAN_CHANGE, json=subscribed.body(), headers=idem("plan-change-2"))
        ).status_code == 201
        await session.commit()
        response = await client.post(
            PLAN_CHANGE,
            json=subscribed.body(contract_start_date=start_in(20).isoformat()),
            headers=idem("plan-change-2"),
        )
        assert response.status_code == 409
        assert response.json()["error"]["code"] == "idempotency_key_conflict"

    async def test_a_replay_needs_a_valid_token_too(self, client: httpx.AsyncClient, subscribed: _Subscribed) -> None:
        assert (
            await client.post(PLAN_CHANGE, json=subscribed.body(), headers=idem("plan-change-3"))
        ).status_code == 201
        response = await client.post(
            PLAN_CHANGE, json=subscribed.body(lookup_token="forged"), headers=idem("plan-change-3")
        )
        assert response.status_code == 401
        assert response.json()["error"]["code"] == "invalid_lookup_token"

    async def test_a_key_is_required(self, client: httpx.AsyncClient, subscribed: _Subscribed) -> None:
        response = await client.post(PLAN_CHANGE, json=subscribed.body())
        assert response.status_code == 400
        assert response.json()["error"]["code"] == "idempotency_key_required"


class TestPlanChangeRefusals:
    async def test_an_expired_token_is_refused(self, client: httpx.AsyncClient, subscribed: _Subscribed) -> None:
        expired = tokens.issue_lookup_token(
            get_settings(), subscribed.cin, now=datetime.now(UTC) - timedelta(minutes=16)
        ).token
        response = await client.post(PLAN_CHANGE, json=subscribed.body(lookup_token=expired), headers=idem())
        assert response.status_code == 401
        assert response.json()["error"]["code"] == "invalid_lookup_token"

    async def test_a_token_of_another_cin_is_refused(self, client: httpx.AsyncClient, subscribed: _Subscribed) -> None:
        other = await verify_cin(client, landing_cin())
        response = await client.post(PLAN_CHANGE, json=subscribed.body(lookup_token=other), headers=idem())
        assert response.status_code == 401
        assert response.json()["error"]["code"] == "invalid_lookup_token"

    async def test_a_contract_of_another_client_is_not_found(
        self, client: httpx.AsyncClient, session: AsyncSession, subscribed: _Subscribed
    ) -> None:
        intruder = landing_cin()
        offer = await create_offer(session, "mobile")
        await subscribe(client, offer, cin=intruder)
        await session.commit()
        token = await verify_cin(client, intruder)
        response = await client.post(
            PLAN_CHANGE, json=subscribed.body(cin=intruder, lookup_token=token), headers=idem()
        )
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "contract_not_found"
        old = await session.get(Contract, uuid.UUID(subscribed.contract_id))
        assert old is not None
        assert old.status == "active"

    async def test_an_unknown_cin_with_its_token_changes_nothing(
        self, client: httpx.AsyncClient, subscribed: _Subscribed
    ) -> None:
        stranger = landing_cin()
        token = await verify_cin(client, stranger)
        response = await client.post(
            PLAN_CHANGE, json=subscribed.body(cin=stranger, lookup_token=token), headers=idem()
        )
        assert response.status_code == 404

    @pytest.mark.parametrize("days", [-1, 91])
    async def test_a_start_date_outside_the_window_is_refused(
        self, client: httpx.AsyncClient, subscribed: _Subscribed, days: int
    ) -> None:
        response = await client.post(
            PLAN_CHANGE, json=subscribed.body(contract_start_date=start_in(days).isoformat()), headers=idem()
        )
        assert response.status_code == 422
        assert response.json()["error"]["details"][0]["loc"] == ["body", "contract_start_date"]

    async def test_a_retired_offer_is_refused_naming_offer_id(
        self, client: httpx.AsyncClient, session: AsyncSession, subscribed: _Subscribed
    ) -> None:
        retired = await create_offer(session, "mobile", status="retired")
        await session.commit()
        response = await client.post(PLAN_CHANGE, json=subscribed.body(offer_id=str(retired.id)), headers=idem())
        assert response.status_code == 422
        assert response.json()["error"]["code"] == "offer_not_available"
        assert response.json()["error"]["details"][0]["loc"] == ["body", "offer_id"]

    async def test_an_incompatible_offer_is_refused(
        self, client: httpx.AsyncClient, session: AsyncSession, subscribed: _Subscribed
    ) -> None:
        fiber = await create_offer(session, "fiber")
        await session.commit()
        response = await client.post(PLAN_CHANGE, json=subscribed.body(offer_id=str(fiber.id)), headers=idem())
        assert response.status_code == 422
        assert response.json()["error"]["code"] == "service_type_incompatible"

    async def test_a_replaced_contract_cannot_change_again(
        self, client: httpx.AsyncClient, session: AsyncSession, subscribed: _Subscribed
    ) -> None:
        assert (await client.post(PLAN_CHANGE, json=subscribed.body(), headers=idem())).status_code == 201
        await session.commit()
        other = await create_offer(session, "mobile", monthly_fee=Decimal("149.00"))
        await session.commit()
        response = await client.post(PLAN_CHANGE, json=subscribed.body(offer_id=str(other.id)), headers=idem())
        assert response.status_code == 409
        error = response.json()["error"]
        assert error["code"] == "contract_not_active"
        # The contracts module's field is renamed to the landing's.
        assert error["details"][0]["loc"] == ["body", "contract_id"]

    async def test_a_date_before_the_contract_start_is_refused(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        offer, better = await create_offer(session, "mobile"), await create_offer(session, "mobile")
        cin = landing_cin()
        answer = await subscribe(client, offer, cin=cin, contract_start_date=start_in(30).isoformat())
        await session.commit()
        token = await verify_cin(client, cin)
        response = await client.post(
            PLAN_CHANGE,
            json={
                "cin": cin,
                "lookup_token": token,
                "contract_id": answer["contract"]["contract_id"],
                "offer_id": str(better.id),
                "contract_start_date": start_in(5).isoformat(),
            },
            headers=idem(),
        )
        assert response.status_code == 422
        assert response.json()["error"]["details"][0]["loc"] == ["body", "contract_start_date"]
        assert date.fromisoformat(answer["contract"]["start_date"]) == start_in(30)
