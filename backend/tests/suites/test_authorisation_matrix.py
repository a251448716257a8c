"""The authorisation matrix, generated from the route table: every staff route x every bad credential is 401,
and every staff route x every role answers exactly as the route's declared roles say (403 when the role is
not accepted, never 401/403 when it is).

The declared roles are read from the route's guard (`require_roles(...).accepted_roles`), the same source
the OpenAPI descriptions are written from. Run alone: `pytest -m authz`."""

from __future__ import annotations

import base64
import json
import re
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import jwt
import pytest
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.models import User
from app.auth.roles import Role
from app.config import get_settings
from app.main import _accepted_roles, create_app
from app.middleware import api_routes, route_needs_staff_token
from tests.fixtures.auth import token_for

pytestmark = pytest.mark.authz
ROLES = [role.value for role in Role]


def _staff_operations() -> list[tuple[str, str, frozenset[str] | None]]:
    found = []
    for route in api_routes(create_app(manage_database=False)):
        if not route_needs_staff_token(route):
            continue
        for method in sorted(route.methods or ()):
            if method != "HEAD":
                found.append((method, route.path, _accepted_roles(route)))
    return sorted(found, key=lambda op: (op[1], op[0]))


STAFF_OPERATIONS = _staff_operations()
IDS = [f"{method} {path}" for method, path, _ in STAFF_OPERATIONS]


def _claims(**overrides: Any) -> dict[str, Any]:
    now = datetime.now(UTC)
    settings = get_settings()
    return {
        "sub": "test-admin",
        "roles": ["admin"],
        "iat": int(now.timestamp()),
        "exp": int((now + timedelta(minutes=5)).timestamp()),
        "jti": uuid.uuid4().hex,
        "typ": "access",
        "iss": settings.jwt_issuer,
        "ver": 0,
        **overrides,
    }


def _alg_none(claims: dict[str, Any]) -> str:
    def part(value: dict[str, Any]) -> str:
        return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()

    return f"{part({'alg': 'none', 'typ': 'JWT'})}.{part(claims)}."


def bad_credentials() -> dict[str, dict[str, str]]:
    settings = get_settings()
    secret = settings.jwt_secret.get_secret_value()
    landing_secret = settings.landing_token_secret.get_secret_value()
    return {
        "no token": {},
        "malformed": {"Authorization": "Bearer not.a.jwt"},
        "expired": {
            "Authorization": "Bearer "
            + jwt.encode(_claims(exp=int((datetime.now(UTC) - timedelta(minutes=1)).timestamp())), secret)
        },
        "wrong key": {"Authorization": "Bearer " + jwt.encode(_claims(), "w" * 48)},
        "alg none": {"Authorization": "Bearer " + _alg_none(_claims())},
        "landing-secret-signed": {"Authorization": "Bearer " + jwt.encode(_claims(), landing_secret)},
        "revoked": {"Authorization": "Bearer " + jwt.encode(_claims(sub="matrix-revoked"), secret)},
    }


def concrete(path: str) -> str:
    return re.sub(r"\{[^}]+\}", lambda _: str(uuid.uuid4()), path)


async def call(http: httpx.AsyncClient, method: str, path: str, headers: dict[str, str]) -> httpx.Response:
    # An Idempotency-Key, so that routes requiring one reach the role check rather than a 400.
    return await http.request(method, concrete(path), headers={"Idempotency-Key": uuid.uuid4().hex, **headers})


@pytest.fixture
async def revoked_user(session: AsyncSession) -> None:
    """`matrix-revoked` exists with token version 1: its version-0 tokens were revoked."""
    session.add(User(username="matrix-revoked", kind="staff", password_hash="x", roles=["admin"], is_active=True))
    await session.flush()
    await session.execute(update(User).where(User.username == "matrix-revoked").values(token_version=1))
    await session.commit()


def test_the_matrix_covers_the_route_table() -> None:
    assert len(STAFF_OPERATIONS) >= 45
    assert all(roles is None or "admin" in roles for _, _, roles in STAFF_OPERATIONS)


@pytest.mark.parametrize(("method", "path", "roles"), STAFF_OPERATIONS, ids=IDS)
async def test_every_bad_credential_is_401_and_every_role_gets_exactly_what_is_declared(
    client: httpx.AsyncClient, revoked_user: None, method: str, path: str, roles: frozenset[str] | None
) -> None:
    for name, headers in bad_credentials().items():
        response = await call(client, method, path, headers)
        assert response.status_code == 401, (name, response.text)
        assert response.json()["error"]["code"] == "not_authenticated", name
    for role in ROLES:
        response = await call(client, method, path, {"Authorization": f"Bearer {token_for(role)}"})
        accepted = roles is None or role in roles
        if accepted:
            assert response.status_code not in (401, 403), (role, response.text)
        else:
            assert response.status_code == 403, (role, response.text)
            assert response.json()["error"]["code"] == "forbidden"
        assert response.status_code < 500, (role, response.text)
