"""Real concurrency on committed data: parallel provisioning calls serialise per client and never collide."""

from __future__ import annotations

import asyncio
import uuid
from collections import Counter
from decimal import Decimal
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from app.contracts.models import Contract, Subscriber
from app.db import database
from app.kit.dates import utc_today
from tests.fixtures.auth import auth_headers
from tests.fixtures.factories import create_client, create_offer

pytestmark = pytest.mark.concurrency


async def _committed(**offers: Decimal) -> tuple[uuid.UUID, dict[str, uuid.UUID]]:
    """One client and mobile offers with the given monthly fees, committed for real."""
    async with database.sessionmaker() as session:
        owner = await create_client(session)
        created = {name: await create_offer(session, "mobile", monthly_fee=fee) for name, fee in offers.items()}
        await session.commit()
        return owner.id, {name: offer.id for name, offer in created.items()}


def _provision(http: httpx.AsyncClient, client_id: uuid.UUID, offer_id: uuid.UUID, key: str, **fields: Any) -> Any:
    body = {
        "client_id": str(client_id),
        "offer_id": str(offer_id),
        "contract_start_date": utc_today().isoformat(),
        **fields,
    }
    return http.post("/api/v1/contracts", json=body, headers=auth_headers("operator", **{"Idempotency-Key": key}))


async def _client_state(client_id: uuid.UUID) -> tuple[list[Contract], list[Subscriber]]:
    async with database.sessionmaker() as session:
        contracts = (await session.scalars(select(Contract).where(Contract.client_id == client_id))).all()
        lines = (await session.scalars(select(Subscriber).where(Subscriber.client_id == client_id))).all()
        return list(contracts), list(lines)


class TestParallelProvisioningForOneClient:
    async def test_two_parallel_auto_calls_end_with_one_creation_and_one_plan_change(
        self, live_client: httpx.AsyncClient
    ) -> None:
        client_id, offers = await _committed(basic=Decimal("199.00"), plus=Decimal("249.00"))

        first, second = await asyncio.gather(
            _provision(live_client, client_id, offers["basic"], "par-basic"),
            _provision(live_client, client_id, offers["plus"], "par-plus"),
        )

        assert (first.status_code, second.status_code) == (201, 201), (first.text, second.text)
        answers = sorted((first.json(), second.json()), key=lambda body: body["decision"] != "created")
        created, changed = answers
        assert created["decision"] == "created"
        assert changed["decision"] in ("upgraded", "downgraded")
        assert changed["replaced_contract"]["id"] == created["contract"]["id"]
        assert changed["subscriber"]["id"] == created["subscriber"]["id"]

        contracts, lines = await _client_state(client_id)
        assert len(lines) == 1
        assert len(contracts) == 2
        live = [c for c in contracts if c.status != "terminated"]
        assert [c.id for c in live] == [uuid.UUID(changed["contract"]["id"])]
        assert all(c.subscriber_id == lines[0].id for c in contracts)

    async def test_two_parallel_calls_for_the_same_offer_create_once_and_refuse_the_other(
        self, live_client: httpx.AsyncClient
    ) -> None:
        client_id, offers = await _committed(basic=Decimal("199.00"))

        responses = await asyncio.gather(
            _provision(live_client, client_id, offers["basic"], "same-1"),
            _provision(live_client, client_id, offers["basic"], "same-2"),
        )

        outcomes = Counter(
            r.json()["decision"] if r.status_code == 201 else r.json()["error"]["code"] for r in responses
        )
        assert outcomes == Counter({"created": 1, "offer_already_subscribed": 1})
        contracts, lines = await _client_state(client_id)
        assert (len(contracts), len(lines)) == (1, 1)

    async def test_one_idempotency_key_sent_twice_at_once_writes_once(self, live_client: httpx.AsyncClient) -> None:
        client_id, offers = await _committed(basic=Decimal("199.00"))

        responses = await asyncio.gather(
            _provision(live_client, client_id, offers["basic"], "twin"),
            _provision(live_client, client_id, offers["basic"], "twin"),
        )

        statuses = sorted(r.status_code for r in responses)
        assert statuses[0] == 201
        other = max(responses, key=lambda r: (r.status_code, r.headers.get("Idempotent-Replayed") == "true"))
        assert other.status_code == 201 or other.json()["error"]["code"] == "idempotency_key_in_progress"
        contracts, _ = await _client_state(client_id)
        assert len(contracts) == 1


class TestParallelNumberAllocation:
    async def test_parallel_new_lines_get_distinct_numbers_and_contract_numbers(
        self, live_client: httpx.AsyncClient
    ) -> None:
        owners = [await _committed(basic=Decimal("199.00")) for _ in range(6)]

        responses = await asyncio.gather(
            *(_provision(live_client, cid, offers["basic"], f"alloc-{i}") for i, (cid, offers) in enumerate(owners))
        )

        assert [r.status_code for r in responses] == [201] * 6, [r.text for r in responses]
        numbers = [r.json()["subscriber"]["phone_number"] for r in responses]
        contract_numbers = [r.json()["contract"]["contract_number"] for r in responses]
        assert len(set(numbers)) == 6
        assert len(set(contract_numbers)) == 6
        sequence = sorted(int(number.rsplit("-", 1)[1]) for number in contract_numbers)
        assert sequence == list(range(sequence[0], sequence[0] + 6)), "contract numbers have no gaps"
        async with database.sessionmaker() as session:
            duplicates = await session.scalar(
                select(func.count()).select_from(
                    select(Subscriber.phone_number)
                    .where(Subscriber.status != "terminated")
                    .group_by(Subscriber.phone_number)
                    .having(func.count() > 1)
                    .subquery()
                )
            )
        assert duplicates == 0

    async def test_a_requested_number_wanted_by_two_clients_at_once_goes_to_one(
        self, live_client: httpx.AsyncClient
    ) -> None:
        (first_client, first_offers), (second_client, second_offers) = [
            await _committed(basic=Decimal("199.00")) for _ in range(2)
        ]
        wanted = "+212688000123"

        responses = await asyncio.gather(
            _provision(
                live_client, first_client, first_offers["basic"], "want-1", requested_mobile_local_number=wanted
            ),
            _provision(
                live_client, second_client, second_offers["basic"], "want-2", requested_mobile_local_number=wanted
            ),
        )

        outcomes = Counter(r.status_code for r in responses)
        assert outcomes == Counter({201: 1, 409: 1}), [r.text for r in responses]
        refused = next(r for r in responses if r.status_code == 409)
        assert refused.json()["error"]["code"] == "number_unavailable"
