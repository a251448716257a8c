from __future__ import annotations

import base64
import json
from datetime import UTC, datetime, timedelta

import httpx
import jwt
import pytest
from pwdlib import PasswordHash
from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.models import User
from app.auth.service import ensure_bootstrap_admin, hash_password
from app.config import get_settings
from app.errors import integrity_error_response
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

    async def test_client_credentials_may_come_in_a_basic_authorization_header(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        """RFC 6749 2.3.1: how Prometheus' oauth2 client and most OAuth2 libraries send them."""
        await _user(session, "prometheus", "scrape: secret/value", ["auditor"], kind="service")
        basic = base64.b64encode(b"prometheus:scrape%3A+secret%2Fvalue").decode()
        response = await client.post(
            "/api/v1/auth/token",
            data={"grant_type": "client_credentials"},
            headers={"Authorization": f"Basic {basic}"},
        )
        assert response.status_code == 200, response.text
        metrics = await client.get("/metrics", headers={"Authorization": f"Bearer {response.json()['access_token']}"})
        assert metrics.status_code == 200

    @pytest.mark.parametrize(
        "authorization",
        [
            "Basic !!!",
            f"Basic {base64.b64encode(b'no-colon').decode()}",
            "Basic " + base64.b64encode(b"\xff:x").decode(),
        ],
        ids=["not-base64", "no-separator", "not-utf8"],
    )
    async def test_a_malformed_basic_header_is_401(self, client: httpx.AsyncClient, authorization: str) -> None:
        response = await client.post(
            "/api/v1/auth/token", data={"grant_type": "client_credentials"}, headers={"Authorization": authorization}
        )
        assert response.status_code == 401
        assert response.json()["error"]["code"] == "not_authenticated"

    async def test_a_staff_user_cannot_use_basic_client_credentials(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        await _user(session, "amina", "correct horse battery", ["admin"])
        basic = base64.b64encode(b"amina:correct horse battery").decode()
        response = await client.post(
            "/api/v1/auth/token",
            data={"grant_type": "client_credentials"},
            headers={"Authorization": f"Basic {basic}"},
        )
        assert response.status_code == 401

    @pytest.mark.parametrize(("field", "size"), [("username", 121), ("password", 201), ("grant_type", 41)])
    async def test_oversized_form_fields_are_422_naming_the_field(
        self, client: httpx.AsyncClient, field: str, size: int
    ) -> None:
        form = {"username": "amina", "password": "correct horse battery", field: "x" * size}
        response = await client.post("/api/v1/auth/token", data=form)
        assert response.status_code == 422
        assert response.json()["error"]["details"][0]["loc"] == ["body", field]

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

    async def test_the_auditor_lists_users_but_cannot_create_one(self, client: httpx.AsyncClient) -> None:
        listed = await client.get("/api/v1/auth/users", headers=auth_headers("auditor"))
        assert listed.status_code == 200, listed.text
        created = await client.post(
            "/api/v1/auth/users",
            json={"username": "by-auditor", "password": "long enough password", "roles": ["operator"]},
            headers=auth_headers("auditor"),
        )
        assert created.status_code == 403

    async def test_the_unique_username_constraint_answers_username_taken(self, session: AsyncSession) -> None:
        """Two creations racing past the early check: the constraint still gives a clean 409."""
        await _user(session, "racer", "long enough password", ["operator"])
        with pytest.raises(IntegrityError) as caught:
            async with session.begin_nested():
                await _user(session, "racer", "long enough password", ["operator"])
        response = integrity_error_response(caught.value)
        assert response.status_code == 409
        assert b'"code":"username_taken"' in bytes(response.body)
        assert b'"loc":["body","username"]' in bytes(response.body)

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

    @pytest.mark.parametrize("change", [{"roles": ["operator"]}, {"is_active": False}], ids=["demoted", "deactivated"])
    async def test_the_last_active_admin_cannot_lose_admin_power(
        self, client: httpx.AsyncClient, session: AsyncSession, change: dict[str, object]
    ) -> None:
        # The test template's token users are admins too: here the only active admin is `only-admin`,
        # acting on itself.
        await session.execute(update(User).where(User.username != "only-admin").values(is_active=False))
        only = await _user(session, "only-admin", "long enough password", ["admin"])
        await _user(session, "former-admin", "long enough password", ["admin"], active=False)
        only_id = only.id
        await session.commit()  # the refused request rolls back its own work only
        own_token = auth_headers("admin", subject="only-admin")
        refused = await client.patch(f"/api/v1/auth/users/{only_id}", json=change, headers=own_token)
        assert refused.status_code == 409, refused.text
        assert refused.json()["error"]["code"] == "last_admin"
        await _user(session, "second-admin", "long enough password", ["admin", "auditor"])
        accepted = await client.patch(f"/api/v1/auth/users/{only_id}", json=change, headers=own_token)
        assert accepted.status_code == 200, accepted.text

    async def test_a_password_change_is_audited_without_the_password(self, client: httpx.AsyncClient) -> None:
        created = await client.post(
            "/api/v1/auth/users",
            json={"username": "rotating", "password": "long enough password", "roles": ["billing"]},
            headers=auth_headers("admin"),
        )
        user_id = created.json()["id"]
        patched = await client.patch(
            f"/api/v1/auth/users/{user_id}", json={"password": "another long password"}, headers=auth_headers("admin")
        )
        assert patched.status_code == 200, patched.text
        audit = await client.get(
            "/api/v1/audit-events",
            params={"action": "user.updated", "entity_id": user_id},
            headers=auth_headers("auditor"),
        )
        [event] = audit.json()["items"]
        assert event["after"]["password_changed"] is True
        assert "another long password" not in json.dumps(event)

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


class TestBootstrapAdmin:
    async def test_created_once_from_settings_and_able_to_log_in(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        settings = get_settings()
        assert await ensure_bootstrap_admin(session, settings) is True
        assert await ensure_bootstrap_admin(session, settings) is False
        response = await client.post(
            "/api/v1/auth/token",
            data={
                "username": settings.bootstrap_admin_username,
                "password": settings.bootstrap_admin_password.get_secret_value(),
            },
        )
        assert response.status_code == 200, response.text
        assert response.json()["roles"] == ["admin"]

    async def test_an_existing_user_of_that_name_is_left_alone(self, session: AsyncSession) -> None:
        settings = get_settings()
        existing = await _user(session, settings.bootstrap_admin_username, "changed by the admin", ["admin"])
        assert await ensure_bootstrap_admin(session, settings) is False
        await session.refresh(existing)
        assert PasswordHash.recommended().verify("changed by the admin", existing.password_hash)


class TestTokenRateLimit:
    async def test_password_guessing_is_rate_limited_with_retry_after(
        self, client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setattr(get_settings(), "auth_token_rate_limit", "3/minute")
        answers = [
            await client.post("/api/v1/auth/token", data={"username": "amina", "password": f"guess {n}"})
            for n in range(4)
        ]
        assert [a.status_code for a in answers] == [401, 401, 401, 429]
        assert answers[-1].json()["error"]["code"] == "rate_limited"
        assert int(answers[-1].headers["Retry-After"]) >= 1


async def test_api_processes_starting_together_create_the_bootstrap_admin_once(committed_database_url: str) -> None:
    import asyncio

    from sqlalchemy import func, select
    from sqlalchemy.ext.asyncio import AsyncSession, create_async_engine

    from app.auth.models import User
    from app.auth.service import ensure_bootstrap_admin
    from app.config import get_settings

    engine = create_async_engine(committed_database_url, pool_size=4)
    settings = get_settings()

    async def bootstrap() -> bool:
        async with AsyncSession(engine) as session, session.begin():
            return await ensure_bootstrap_admin(session, settings)

    try:
        created = await asyncio.gather(*(bootstrap() for _ in range(4)))
        async with AsyncSession(engine) as session:
            admins = await session.scalar(
                select(func.count()).select_from(User).where(User.username == settings.bootstrap_admin_username)
            )
    finally:
        await engine.dispose()
    assert sorted(created) == [False, False, False, True]
    assert admins == 1
