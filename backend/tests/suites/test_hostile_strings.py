"""Hostile strings in every text field of the main writes: each answer is 413/422 (refused, field named) or
a success that stored the value verbatim; never a 5xx. Text fields are read from the OpenAPI request
schema, so a new string field is fuzzed without editing this file. Run alone: `pytest -m hostile`."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any
from urllib.parse import quote

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from app.main import create_app
from tests.fixtures.auth import auth_headers
from tests.fixtures.catalog_factories import offer_payload
from tests.fixtures.customers_factories import client_payload
from tests.fixtures.factories import create_offer
from tests.fixtures.landing_factories import LANDING, idem, new_subscription

pytestmark = pytest.mark.hostile

HOSTILE = {
    "lone surrogate": "Al\ud800ami",
    "NUL": "Al\x00ami",
    "RTL override": "Al\u202eimala",
    "zero-width": "Al\u200bami\ufeff",
    "100k characters": "A" * 100_000,
    "SQL-like": "Robert'); DROP TABLE clients;--",
    "combining and emoji": "Ála\u0301mi 👩‍👩‍👧",
}

SCHEMA = create_app(manage_database=False).openapi()


def text_fields(path: str, method: str = "post") -> list[str]:
    """Top-level string properties of the operation's JSON body (formats like email and uuid included)."""
    body = SCHEMA["paths"][path][method]["requestBody"]["content"]["application/json"]["schema"]
    if "$ref" in body:
        body = SCHEMA["components"]["schemas"][body["$ref"].rsplit("/", 1)[1]]
    fields = []
    for name, prop in body.get("properties", {}).items():
        kinds = [prop.get("type")] + [option.get("type") for option in prop.get("anyOf", [])]
        if "string" in kinds:
            fields.append(name)
    return fields


def _send(body: dict[str, Any]) -> bytes:
    # json.dumps writes a lone surrogate as the \ud800 escape a hostile client would send.
    return json.dumps(body).encode()


async def _check(response: httpx.Response, field: str, value: str) -> None:
    assert response.status_code < 500, (field, response.text[:300])
    if response.status_code in (413, 422):
        assert response.json()["error"]["code"] in ("validation_error", "payload_too_large", "offer_not_available")
        return
    if response.status_code in (200, 201):
        stored = response.json().get(field)
        if isinstance(stored, str):
            assert stored == value or stored == value.strip(), field
        return
    # Other refusals (409 business rules, 400 bad key) are fine as long as they are in the envelope.
    assert "error" in response.json()


CASES: list[tuple[str, Callable[..., Any]]] = [
    ("/api/v1/clients", lambda: client_payload()),
    ("/api/v1/offers", lambda: offer_payload()),
]


@pytest.mark.parametrize("label", list(HOSTILE), ids=list(HOSTILE))
@pytest.mark.parametrize(("path", "make_body"), CASES, ids=[path for path, _ in CASES])
async def test_staff_writes_refuse_or_store_verbatim(
    client: httpx.AsyncClient, path: str, make_body: Callable[[], dict[str, Any]], label: str
) -> None:
    value = HOSTILE[label]
    for field in text_fields(path):
        body = {**make_body(), field: value}
        response = await client.post(
            path, content=_send(body), headers=auth_headers("admin", **{"Content-Type": "application/json"})
        )
        await _check(response, field, value)


@pytest.mark.parametrize("label", list(HOSTILE), ids=list(HOSTILE))
async def test_the_public_subscribe_and_draft_routes_refuse_or_store_verbatim(
    client: httpx.AsyncClient, session: AsyncSession, label: str
) -> None:
    value = HOSTILE[label]
    offer = await create_offer(session, "mobile")
    offer_id = offer.id
    await session.commit()
    for field in text_fields(f"{LANDING}/submit/new"):
        body = {**new_subscription(offer_id), field: value}
        response = await client.post(
            f"{LANDING}/submit/new", content=_send(body), headers={**idem(), "Content-Type": "application/json"}
        )
        assert response.status_code < 500, (field, response.text[:300])
    for field in ("first_name", "last_name", "address", "city", "email"):
        response = await client.post(
            f"{LANDING}/drafts",
            content=_send({"answers": {field: value}}),
            headers={"Content-Type": "application/json"},
        )
        assert response.status_code < 500, (field, response.text[:300])
        if response.status_code == 201:
            assert response.json()["answers"][field] in (value, value.strip())
    for path in (f"{LANDING}/clients/verify-cin", "/api/v1/auth/token"):
        response = await client.post(path, content=_send({"cin": value}), headers={"Content-Type": "application/json"})
        assert response.status_code < 500


async def test_query_and_path_parameters_take_hostile_text(client: httpx.AsyncClient) -> None:
    for value in HOSTILE.values():
        if "\ud800" in value:
            continue  # a URL cannot carry a lone surrogate (percent-encoding is UTF-8)
        # httpx refuses a query component longer than 65,536 characters before sending: 2,000 is what a URL carries.
        short = value[:2000]
        for params in ({"q": short}, {"city": short}, {"cin": short}):
            response = await client.get("/api/v1/clients", params=params, headers=auth_headers("operator"))
            assert response.status_code in (200, 422), response.text[:300]
        segment = quote(value[:30], safe="")
        response = await client.get(f"{LANDING}/clients/{segment}/subscriptions", params={"lookup_token": "x"})
        assert response.status_code < 500
