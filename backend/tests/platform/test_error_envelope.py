"""Every non-2xx answer is the error envelope, with the correlation id, CORS headers, and the field named."""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from app.customers.models import Client
from app.middleware import EnvelopeCORSMiddleware, _bad_text_in_json
from tests.fixtures.auth import auth_headers
from tests.fixtures.customers_factories import client_payload

OPERATOR = auth_headers("operator")
# A body of a megabyte: large, but under the 2 MiB limit, so it is read and scanned whole.
LARGE_PADDING = 1024 * 1024
ORIGIN = "http://localhost:5173"
CLIENTS = "/api/v1/clients"


def assert_envelope(response: httpx.Response, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    error = response.json()["error"]
    assert set(error) == {"code", "message", "details", "correlation_id"}
    assert error["code"] == code
    assert error["correlation_id"] == response.headers["X-Correlation-ID"]
    return dict(error)


def locs(error: dict[str, Any]) -> list[list[Any]]:
    return [detail["loc"] for detail in error["details"]]


async def clients_named(session: AsyncSession, last_name: str) -> int:
    return int(await session.scalar(select(func.count()).select_from(Client).where(Client.last_name == last_name)) or 0)


class TestBodyErrors:
    async def test_wrong_content_type_is_422_on_the_body(self, client: httpx.AsyncClient) -> None:
        response = await client.post(
            CLIENTS, content=json.dumps(client_payload()), headers={**OPERATOR, "Content-Type": "text/plain"}
        )
        error = assert_envelope(response, 422, "validation_error")
        assert locs(error) == [["body"]]

    @pytest.mark.parametrize("body", [b"", b"[1, 2]", b"null", b'"text"'], ids=["empty", "array", "null", "string"])
    async def test_a_body_that_is_not_an_object_is_422(self, client: httpx.AsyncClient, body: bytes) -> None:
        response = await client.post(CLIENTS, content=body, headers={**OPERATOR, "Content-Type": "application/json"})
        error = assert_envelope(response, 422, "validation_error")
        assert locs(error) == [["body"]]

    async def test_truncated_json_is_422_json_invalid(self, client: httpx.AsyncClient) -> None:
        response = await client.post(
            CLIENTS, content=b'{"cin": "AB1', headers={**OPERATOR, "Content-Type": "application/json"}
        )
        error = assert_envelope(response, 422, "validation_error")
        assert error["details"][0]["type"] == "json_invalid"

    async def test_a_malformed_uuid_in_the_path_is_422_naming_it(self, client: httpx.AsyncClient) -> None:
        response = await client.get(f"{CLIENTS}/not-a-uuid", headers=OPERATOR)
        error = assert_envelope(response, 422, "validation_error")
        assert locs(error) == [["path", "client_id"]]


class TestPagination:
    @pytest.mark.parametrize(
        ("params", "field"),
        [({"limit": 0}, "limit"), ({"limit": 201}, "limit"), ({"limit": "x"}, "limit"), ({"offset": -1}, "offset")],
    )
    async def test_out_of_range_page_parameters_are_422(
        self, client: httpx.AsyncClient, params: dict[str, Any], field: str
    ) -> None:
        error = assert_envelope(await client.get(CLIENTS, params=params, headers=OPERATOR), 422, "validation_error")
        assert locs(error) == [["query", field]]

    @pytest.mark.parametrize("offset", [2**63, 10**30])
    async def test_an_offset_beyond_what_postgresql_takes_is_422_not_500(
        self, client: httpx.AsyncClient, offset: int
    ) -> None:
        response = await client.get(CLIENTS, params={"offset": offset}, headers=OPERATOR)
        error = assert_envelope(response, 422, "validation_error")
        assert locs(error) == [["query", "offset"]]

    async def test_limits_200_and_1_are_accepted(self, client: httpx.AsyncClient) -> None:
        for limit in (1, 200):
            response = await client.get(CLIENTS, params={"limit": limit}, headers=OPERATOR)
            assert response.status_code == 200, response.text
            assert response.json()["limit"] == limit


class TestNulCharacter:
    """PostgreSQL text cannot hold U+0000: such a value is refused up front, naming the field, never a 500."""

    async def test_in_a_json_field_is_422_naming_it_and_nothing_is_written(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        last_name = f"Nul{uuid.uuid4().hex[:8]}"
        payload = client_payload(last_name=last_name, address="4 rue\u0000 Atlas")
        response = await client.post(CLIENTS, json=payload, headers=OPERATOR)
        error = assert_envelope(response, 422, "validation_error")
        assert locs(error) == [["body", "address"]]
        assert error["details"][0]["type"] == "string_nul"
        assert await clients_named(session, last_name) == 0

    async def test_in_a_body_sent_in_several_chunks(self, client: httpx.AsyncClient) -> None:
        body = json.dumps(client_payload(first_name="Sal\u0000ma")).encode()

        async def chunks() -> AsyncIterator[bytes]:
            for start in range(0, len(body), 16):
                yield body[start : start + 16]

        response = await client.post(
            CLIENTS, content=chunks(), headers={**OPERATOR, "Content-Type": "application/json"}
        )
        error = assert_envelope(response, 422, "validation_error")
        assert locs(error) == [["body", "first_name"]]

    async def test_in_a_query_parameter(self, client: httpx.AsyncClient) -> None:
        response = await client.get(CLIENTS, params={"q": "Sal\u0000ma"}, headers=OPERATOR)
        error = assert_envelope(response, 422, "validation_error")
        assert locs(error) == [["query", "q"]]

    async def test_in_a_form_field(self, client: httpx.AsyncClient) -> None:
        response = await client.post("/api/v1/auth/token", data={"username": "ad\u0000min", "password": "x"})
        error = assert_envelope(response, 422, "validation_error")
        assert locs(error) == [["body", "username"]]

    async def test_in_the_path(self, client: httpx.AsyncClient) -> None:
        response = await client.get("/api/v1/landing/clients/AB%0012/subscriptions", params={"lookup_token": "t"})
        error = assert_envelope(response, 422, "validation_error")
        assert locs(error) == [["path"]]

    def test_nested_values_and_keys_are_located(self) -> None:
        document = {"lines": [{"label": "ok"}, {"label": "b\u0000d"}], "k\u0000ey": 1}
        assert [d["loc"] for d in _bad_text_in_json(document, ["body"])] == [
            ["body", "lines", 1, "label"],
            ["body", "key"],
        ]

    async def test_an_escaped_backslash_u0000_is_plain_text_and_accepted(self, client: httpx.AsyncClient) -> None:
        response = await client.post(CLIENTS, json=client_payload(address="C:\\u0000 Atlas"), headers=OPERATOR)
        assert response.status_code == 201, response.text
        assert response.json()["address"] == "C:\\u0000 Atlas"

    async def test_a_large_chunked_body_under_the_limit_is_passed_on_whole(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        last_name = f"Big{uuid.uuid4().hex[:8]}"
        body = json.dumps(client_payload(last_name=last_name)).encode()[:-1] + b" " * LARGE_PADDING + b"}"

        async def chunks() -> AsyncIterator[bytes]:
            for start in range(0, len(body), 256 * 1024):
                yield body[start : start + 256 * 1024]

        response = await client.post(
            CLIENTS, content=chunks(), headers={**OPERATOR, "Content-Type": "application/json"}
        )
        assert response.status_code == 201, response.text
        assert await clients_named(session, last_name) == 1

    async def test_a_nul_deep_in_a_large_body_is_found_and_named(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        last_name = f"Late{uuid.uuid4().hex[:8]}"
        payload = client_payload(last_name=last_name, address="4 rue\u0000 Atlas")
        body = json.dumps(payload).encode()[:-1] + b" " * LARGE_PADDING + b"}"
        response = await client.post(CLIENTS, content=body, headers={**OPERATOR, "Content-Type": "application/json"})
        error = assert_envelope(response, 422, "validation_error")
        assert locs(error) == [["body", "address"]]
        assert await clients_named(session, last_name) == 0


class TestCorrelationId:
    @pytest.mark.parametrize("sane", ["abc-123", "x" * 128, "req:2026/11/24#7"])
    async def test_a_sane_caller_id_is_echoed_in_header_and_error_body(
        self, client: httpx.AsyncClient, sane: str
    ) -> None:
        response = await client.get("/api/v1/nope", headers={"X-Correlation-ID": sane})
        assert response.headers["X-Correlation-ID"] == sane
        assert assert_envelope(response, 404, "not_found")["correlation_id"] == sane

    @pytest.mark.parametrize("insane", ["x" * 129, "has space", "", "tab\tid"], ids=["129", "space", "empty", "tab"])
    async def test_anything_else_is_replaced_by_a_generated_id(self, client: httpx.AsyncClient, insane: str) -> None:
        response = await client.get("/health/live", headers={"X-Correlation-ID": insane})
        generated = response.headers["X-Correlation-ID"]
        assert generated != insane
        assert len(generated) == 32
        assert int(generated, 16) >= 0

    async def test_each_request_without_one_gets_its_own(self, client: httpx.AsyncClient) -> None:
        first, second = (await client.get("/health/live"), await client.get("/health/live"))
        assert first.headers["X-Correlation-ID"] != second.headers["X-Correlation-ID"]


class TestCorsOnErrors:
    @pytest.mark.parametrize(
        ("method", "path", "status"),
        [("GET", "/api/v1/nope", 404), ("PUT", CLIENTS, 405), ("GET", f"{CLIENTS}/not-a-uuid", 422)],
    )
    async def test_error_answers_carry_cors_headers(
        self, client: httpx.AsyncClient, method: str, path: str, status: int
    ) -> None:
        response = await client.request(method, path, headers={**OPERATOR, "Origin": ORIGIN})
        assert response.status_code == status
        assert response.headers["access-control-allow-origin"] == ORIGIN
        assert "X-Correlation-ID" in response.headers["access-control-expose-headers"]

    async def test_a_page_on_another_origin_may_read_a_downloads_name_and_digest(
        self, client: httpx.AsyncClient
    ) -> None:
        # The invoice and contract PDFs name their file and digest in headers; unlisted, a browser hides them
        # (the SPA on its dev server showed an empty SHA-256).
        response = await client.get(CLIENTS, headers={**OPERATOR, "Origin": ORIGIN})
        exposed = {name.strip().lower() for name in response.headers["access-control-expose-headers"].split(",")}
        assert {"content-disposition", "x-content-sha256", "x-correlation-id"} <= exposed

    async def test_an_allowed_preflight_is_answered(self, client: httpx.AsyncClient) -> None:
        response = await client.options(CLIENTS, headers={"Origin": ORIGIN, "Access-Control-Request-Method": "POST"})
        assert response.status_code == 200
        assert response.headers["access-control-allow-origin"] == ORIGIN

    async def test_a_refused_preflight_answers_in_the_envelope(self) -> None:
        async def ok(request: Request) -> PlainTextResponse:
            return PlainTextResponse("ok")

        app = Starlette(routes=[Route("/", ok, methods=["POST"])])
        app.add_middleware(EnvelopeCORSMiddleware, allow_origins=[ORIGIN], allow_methods=["*"], allow_headers=["*"])
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
            refused = await http.options(
                "/",
                headers={
                    "Origin": "http://evil.example",
                    "Access-Control-Request-Method": "POST",
                    "X-Correlation-ID": "cors-1",
                },
            )
            allowed = await http.options("/", headers={"Origin": ORIGIN, "Access-Control-Request-Method": "POST"})
        error = assert_envelope(refused, 400, "cors_preflight_refused")
        assert error["correlation_id"] == "cors-1"
        assert "origin" in error["message"]
        assert "access-control-allow-origin" not in refused.headers
        assert allowed.status_code == 200
        assert allowed.headers["access-control-allow-origin"] == ORIGIN
