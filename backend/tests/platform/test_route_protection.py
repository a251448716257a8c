"""Every route of the app, found by walking app.routes, follows the authentication rules of the API conventions:
only /health/*, /api/v1/auth/token, /api/v1/openapi.json and /api/v1/landing/* answer without a staff token;
a valid token without the route's role is 403; the auditor reads everywhere and never writes."""

from __future__ import annotations

import re
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import httpx
import jwt
import pytest
from fastapi.routing import iter_route_contexts

from app.config import get_settings
from app.kit.ratelimit import limiter
from app.main import create_app
from tests.fixtures.auth import auth_headers

PUBLIC_PATHS = {"/api/v1/auth/token", "/api/v1/openapi.json"}
PUBLIC_PREFIXES = ("/health/", "/api/v1/landing/")
# FastAPI's Swagger UI pages: static HTML around the public OpenAPI document, no data behind them. They are
# outside the conventions' list; keeping them public (or turning docs_url off) is the app factory's choice.
DOCUMENTATION_PAGES = {"/api/v1/docs", "/docs/oauth2-redirect"}
# Open to any valid staff token, whatever its roles: the caller asks who they are.
ANY_STAFF_TOKEN = {("GET", "/api/v1/auth/me")}
READ_METHODS = {"GET"}


def _operations() -> list[tuple[str, str]]:
    found = set()
    for route in iter_route_contexts(create_app(manage_database=False).routes):
        for method in route.methods or ():
            if method != "HEAD" and route.path:
                found.add((method, route.path))
    return sorted(found, key=lambda op: (op[1], op[0]))


OPERATIONS = _operations()


def is_public(path: str) -> bool:
    return path in PUBLIC_PATHS or path in DOCUMENTATION_PAGES or path.startswith(PUBLIC_PREFIXES)


PROTECTED = [op for op in OPERATIONS if not is_public(op[1])]
PUBLIC = [op for op in OPERATIONS if is_public(op[1])]
ROLE_RESTRICTED = [op for op in PROTECTED if op not in ANY_STAFF_TOKEN]
WRITES = [op for op in ROLE_RESTRICTED if op[0] not in READ_METHODS]
READS = [op for op in ROLE_RESTRICTED if op[0] in READ_METHODS]


def ids(operations: list[tuple[str, str]]) -> list[str]:
    return [f"{method} {path}" for method, path in operations]


def concrete(path: str) -> str:
    """A request path for the route template: every parameter becomes a fresh UUID."""
    return re.sub(r"\{[^}]+\}", lambda _: str(uuid.uuid4()), path)


def forged_token(*, expired: bool = False, secret: str | None = None) -> str:
    now = datetime.now(UTC)
    settings = get_settings()
    claims = {
        "sub": "intruder",
        "roles": ["admin"],
        "iat": int(now.timestamp()),
        "exp": int((now + timedelta(minutes=-5 if expired else 5)).timestamp()),
        "jti": uuid.uuid4().hex,
        "typ": "access",
        "iss": settings.jwt_issuer,
    }
    return jwt.encode(claims, secret or settings.jwt_secret.get_secret_value(), algorithm="HS256")


BAD_CREDENTIALS = {
    "missing": {},
    "malformed": {"Authorization": "Bearer not-a-jwt"},
    "not-bearer": {"Authorization": "Basic YWRtaW46YWRtaW4="},
    "expired": {"Authorization": f"Bearer {forged_token(expired=True)}"},
    "wrongly-signed": {"Authorization": f"Bearer {forged_token(secret='x' * 48)}"},
}


async def call(http: httpx.AsyncClient, method: str, path: str, headers: dict[str, str]) -> httpx.Response:
    # An Idempotency-Key is sent so that routes requiring one reach the role check rather than a 400.
    return await http.request(method, concrete(path), headers={"Idempotency-Key": uuid.uuid4().hex, **headers})


@pytest.fixture
async def clean_rate_limits() -> AsyncIterator[None]:
    """Requests to the public landing routes count against its per-address budgets: leave none behind."""
    await limiter.reset()
    yield
    await limiter.reset()


class TestRouteInventory:
    def test_the_walk_finds_the_modules_routes(self) -> None:
        paths = {path for _, path in OPERATIONS}
        assert {"/api/v1/clients", "/api/v1/offers", "/api/v1/offer-categories", "/metrics"} <= paths
        assert any(path.startswith("/api/v1/landing/") for path in paths)

    def test_every_listed_public_path_exists(self) -> None:
        paths = {path for _, path in OPERATIONS}
        assert paths >= PUBLIC_PATHS | DOCUMENTATION_PAGES
        assert set(OPERATIONS) >= ANY_STAFF_TOKEN


class TestWithoutAStaffToken:
    @pytest.mark.parametrize(("method", "path"), PROTECTED, ids=ids(PROTECTED))
    async def test_every_route_outside_the_public_list_is_401_not_authenticated(
        self, client: httpx.AsyncClient, method: str, path: str
    ) -> None:
        for credentials, headers in BAD_CREDENTIALS.items():
            response = await call(client, method, path, headers)
            assert response.status_code == 401, (credentials, response.text)
            error = response.json()["error"]
            assert error["code"] == "not_authenticated", credentials
            assert error["correlation_id"] == response.headers["X-Correlation-ID"]

    @pytest.mark.parametrize(("method", "path"), PUBLIC, ids=ids(PUBLIC))
    async def test_public_routes_answer_the_same_with_or_without_a_staff_token(
        self, client: httpx.AsyncClient, clean_rate_limits: None, method: str, path: str
    ) -> None:
        """A public route may refuse the request for its own reasons (a landing token, credentials), never
        for the lack of a staff token: adding one changes nothing."""
        anonymous = await call(client, method, path, {})
        with_token = await call(client, method, path, auth_headers("admin"))
        assert anonymous.status_code == with_token.status_code, anonymous.text
        if anonymous.status_code >= 400:
            assert anonymous.json()["error"]["code"] == with_token.json()["error"]["code"]
            assert anonymous.json()["error"]["code"] != "forbidden"


class TestRoles:
    @pytest.mark.parametrize(("method", "path"), ROLE_RESTRICTED, ids=ids(ROLE_RESTRICTED))
    async def test_a_valid_token_without_the_routes_role_is_403_forbidden(
        self, client: httpx.AsyncClient, method: str, path: str
    ) -> None:
        response = await call(client, method, path, auth_headers())
        assert response.status_code == 403, response.text
        assert response.json()["error"]["code"] == "forbidden"

    @pytest.mark.parametrize(("method", "path"), WRITES, ids=ids(WRITES))
    async def test_the_auditor_never_writes(self, client: httpx.AsyncClient, method: str, path: str) -> None:
        response = await call(client, method, path, auth_headers("auditor"))
        assert response.status_code == 403, response.text
        assert response.json()["error"]["code"] == "forbidden"

    @pytest.mark.parametrize(("method", "path"), READS, ids=ids(READS))
    async def test_the_auditor_reads_everywhere(self, client: httpx.AsyncClient, method: str, path: str) -> None:
        response = await call(client, method, path, auth_headers("auditor"))
        assert response.status_code not in (401, 403), response.text

    @pytest.mark.parametrize(("method", "path"), ROLE_RESTRICTED, ids=ids(ROLE_RESTRICTED))
    async def test_admin_is_accepted_everywhere(self, client: httpx.AsyncClient, method: str, path: str) -> None:
        response = await call(client, method, path, auth_headers("admin"))
        assert response.status_code not in (401, 403), response.text
