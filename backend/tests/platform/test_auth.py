from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
import jwt
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.models import User
from app.auth.service import hash_password
from app.config import get_settings
from tests.fixtures.auth import auth_headers


async def _user(
    session: AsyncSession, username: str, password: str, roles: list[str], kind: str = "staff", active: bool = True
) -> User:
    user = User(username=username, password_hash=hash_password(password), roles=roles, kind=kind, is_active=active)
    session.add(user)
    await session.flush()
    return user


class TestTokenEndpoint:
    async def test_password_grant_returns_a_token_that_authorises_the_users_roles(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        await _user(session, "amina", "correct horse battery", ["billing"])
        response = await client.post(
            "/api/v1/auth/token", data={"username": "amina", "password": "correct horse battery"}
        )
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["token_type"] == "bearer"
        assert body["roles"] == ["billing"]
        claims = jwt.decode(body["access_token"], options={"verify_signature": False})
        assert {"sub", "roles", "iat", "exp", "jti", "typ"} <= set(claims)
        me = await client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {body['access_token']}"})
        assert me.json() == {"sub": "amina", "roles": ["billing"], "typ": "access"}

    async def test_client_credentials_grant_is_for_service_accounts_only(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        await _user(session, "erp-partner", "service secret value", ["operator"], kind="service")
        ok = await client.post(
            "/api/v1/auth/token",
            data={
                "grant_type": "client_credentials",
                "client_id": "erp-partner",
                "client_secret": "service secret value",
            },
        )
        assert ok.status_code == 200, ok.text
        as_staff = await client.post(
            "/api/v1/auth/token", data={"username": "erp-partner", "password": "service secret value"}
        )
        assert as_staff.status_code == 401

    @pytest.mark.parametrize(
        ("username", "password"), [("amina", "wrong password!!"), ("nobody", "correct horse battery")]
    )
    async def test_wrong_credentials_are_401_in_the_envelope(
        self, client: httpx.AsyncClient, session: AsyncSession, username: str, password: str
    ) -> None:
        await _user(session, "amina", "correct horse battery", ["billing"])
        response = await client.post("/api/v1/auth/token", data={"username": username, "password": password})
        assert response.status_code == 401
        assert response.json()["error"]["code"] == "not_authenticated"

    async def test_inactive_user_cannot_log_in(self, client: httpx.AsyncClient, session: AsyncSession) -> None:
        await _user(session, "gone", "correct horse battery", ["operator"], active=False)
        response = await client.post(
            "/api/v1/auth/token", data={"username": "gone", "password": "correct horse battery"}
        )
        assert response.status_code == 401

    async def test_unknown_grant_type_is_400(self, client: httpx.AsyncClient) -> None:
        response = await client.post("/api/v1/auth/token", data={"grant_type": "implicit"})
        assert response.status_code == 400
        assert response.json()["error"]["code"] == "unsupported_grant_type"


class TestBearerValidation:
    def _forge(self, **overrides: object) -> str:
        now = datetime.now(UTC)
        claims: dict[str, object] = {
            "sub": "x",
            "roles": ["admin"],
            "iat": int(now.timestamp()),
            "exp": int((now + timedelta(minutes=5)).timestamp()),
            "jti": "j",
            "typ": "access",
            "iss": get_settings().jwt_issuer,
        }
        claims.update(overrides)
        secret = str(claims.pop("_secret", get_settings().jwt_secret.get_secret_value()))
        return jwt.encode(claims, secret, algorithm="HS256")

    @pytest.mark.parametrize(
        "token_overrides",
        [
            {"exp": 1_000_000},  # expired
            {"_secret": "another-secret-another-secret-another-secret"},  # wrongly signed
            {"typ": "landing_lookup"},  # a landing token is never a staff token
        ],
        ids=["expired", "wrong-signature", "wrong-type"],
    )
    async def test_bad_tokens_are_401(self, client: httpx.AsyncClient, token_overrides: dict[str, object]) -> None:
        response = await client.get(
            "/api/v1/auth/users", headers={"Authorization": f"Bearer {self._forge(**token_overrides)}"}
        )
        assert response.status_code == 401
        assert response.json()["error"]["code"] == "not_authenticated"

    async def test_malformed_header_is_401(self, client: httpx.AsyncClient) -> None:
        response = await client.get("/api/v1/auth/users", headers={"Authorization": "Bearer not.a.jwt"})
        assert response.status_code == 401


class TestUserManagement:
    async def test_admin_creates_a_user_who_can_then_log_in_and_it_is_audited(self, client: httpx.AsyncClient) -> None:
        created = await client.post(
            "/api/v1/auth/users",
            json={"username": "karim", "password": "long enough password", "roles": ["collections"]},
            headers=auth_headers("admin"),
        )
        assert created.status_code == 201, created.text
        assert created.json()["roles"] == ["collections"]
        assert "password_hash" not in created.json()
        token = await client.post("/api/v1/auth/token", data={"username": "karim", "password": "long enough password"})
        assert token.status_code == 200
        audit = await client.get(
            "/api/v1/audit-events", params={"action": "user.created"}, headers=auth_headers("auditor")
        )
        assert any(e["entity_id"] == created.json()["id"] for e in audit.json()["items"])

    async def test_duplicate_username_is_409(self, client: httpx.AsyncClient) -> None:
        payload = {"username": "dup", "password": "long enough password", "roles": ["operator"]}
        assert (await client.post("/api/v1/auth/users", json=payload, headers=auth_headers("admin"))).status_code == 201
        again = await client.post("/api/v1/auth/users", json=payload, headers=auth_headers("admin"))
        assert again.status_code == 409
        assert again.json()["error"]["code"] == "username_taken"

    async def test_unknown_role_is_422_naming_the_field(self, client: httpx.AsyncClient) -> None:
        response = await client.post(
            "/api/v1/auth/users",
            json={"username": "x-user", "password": "long enough password", "roles": ["root"]},
            headers=auth_headers("admin"),
        )
        assert response.status_code == 422
        assert response.json()["error"]["details"][0]["loc"][:2] == ["body", "roles"]

    async def test_non_admin_cannot_manage_users(self, client: httpx.AsyncClient) -> None:
        response = await client.post(
            "/api/v1/auth/users",
            json={"username": "x-user", "password": "long enough password", "roles": ["admin"]},
            headers=auth_headers("operator"),
        )
        assert response.status_code == 403

    async def test_deactivated_user_cannot_log_in(self, client: httpx.AsyncClient) -> None:
        created = await client.post(
            "/api/v1/auth/users",
            json={"username": "temp", "password": "long enough password", "roles": ["operator"]},
            headers=auth_headers("admin"),
        )
        patched = await client.patch(
            f"/api/v1/auth/users/{created.json()['id']}", json={"is_active": False}, headers=auth_headers("admin")
        )
        assert patched.status_code == 200
        token = await client.post("/api/v1/auth/token", data={"username": "temp", "password": "long enough password"})
        assert token.status_code == 401
