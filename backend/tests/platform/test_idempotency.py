"""Idempotency-Key on POST /api/v1/clients against a committed database (real transactions, real races)."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from tests.fixtures.auth import auth_headers
from tests.fixtures.customers_factories import client_payload

CLIENTS = "/api/v1/clients"

pytestmark = pytest.mark.concurrency


async def clients_with_cin(http: httpx.AsyncClient, cin: str) -> int:
    response = await http.get(CLIENTS, params={"q": cin}, headers=auth_headers("auditor"))
    assert response.status_code == 200, response.text
    return int(response.json()["total"])


class TestClientCreationIdempotency:
    async def test_same_key_and_body_replays_the_first_answer_and_writes_once(
        self, live_client: httpx.AsyncClient
    ) -> None:
        payload = client_payload()
        headers = auth_headers("operator", **{"Idempotency-Key": "replay-1"})
        first = await live_client.post(CLIENTS, json=payload, headers=headers)
        assert first.status_code == 201, first.text
        assert "Idempotent-Replayed" not in first.headers
        replay = await live_client.post(CLIENTS, json=payload, headers=headers)
        assert replay.status_code == 201, replay.text
        assert replay.headers["Idempotent-Replayed"] == "true"
        assert replay.json() == first.json()
        assert await clients_with_cin(live_client, payload["cin"]) == 1

    async def test_same_key_with_another_body_is_a_conflict(self, live_client: httpx.AsyncClient) -> None:
        headers = auth_headers("operator", **{"Idempotency-Key": "conflict-1"})
        first = await live_client.post(CLIENTS, json=client_payload(), headers=headers)
        assert first.status_code == 201, first.text
        other = client_payload()
        response = await live_client.post(CLIENTS, json=other, headers=headers)
        assert response.status_code == 409
        assert response.json()["error"]["code"] == "idempotency_key_conflict"
        assert await clients_with_cin(live_client, other["cin"]) == 0

    async def test_the_key_belongs_to_its_caller(self, live_client: httpx.AsyncClient) -> None:
        """Another caller reusing a key does not get the first caller's answer."""
        key = {"Idempotency-Key": "shared-key"}
        mine = await live_client.post(
            CLIENTS, json=client_payload(), headers=auth_headers("operator", subject="partner-a", **key)
        )
        theirs = await live_client.post(
            CLIENTS, json=client_payload(), headers=auth_headers("operator", subject="partner-b", **key)
        )
        assert mine.status_code == theirs.status_code == 201
        assert "Idempotent-Replayed" not in theirs.headers
        assert mine.json()["id"] != theirs.json()["id"]

    async def test_concurrent_requests_with_one_key_create_exactly_one_client(
        self, live_client: httpx.AsyncClient
    ) -> None:
        payload = client_payload()
        headers = auth_headers("operator", **{"Idempotency-Key": "race-1"})
        responses = await asyncio.gather(*(live_client.post(CLIENTS, json=payload, headers=headers) for _ in range(5)))
        statuses = [r.status_code for r in responses]
        assert 201 in statuses, [r.text for r in responses]
        for response in responses:
            if response.status_code == 409:
                assert response.json()["error"]["code"] == "idempotency_key_in_progress"
            else:
                assert response.status_code == 201, response.text
        created_ids = {r.json()["id"] for r in responses if r.status_code == 201}
        assert len(created_ids) == 1
        assert await clients_with_cin(live_client, payload["cin"]) == 1
