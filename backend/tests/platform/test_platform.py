from __future__ import annotations

import httpx

from tests.fixtures.auth import auth_headers


class TestHealth:
    async def test_live_answers_ok(self, client: httpx.AsyncClient) -> None:
        response = await client.get("/health/live")
        assert response.status_code == 200
        assert response.json() == {"status": "ok"}

    async def test_ready_reports_migrations_at_head(self, client: httpx.AsyncClient) -> None:
        response = await client.get("/health/ready")
        assert response.status_code == 200, response.text
        assert response.json()["status"] == "ok"


class TestErrorEnvelope:
    async def test_unknown_route_is_404_in_envelope_with_correlation_id(self, client: httpx.AsyncClient) -> None:
        response = await client.get("/api/v1/nope", headers={"X-Correlation-ID": "abc-123"})
        assert response.status_code == 404
        body = response.json()
        assert body["error"]["code"] == "not_found"
        assert body["error"]["correlation_id"] == "abc-123"
        assert response.headers["X-Correlation-ID"] == "abc-123"

    async def test_unauthenticated_is_401(self, client: httpx.AsyncClient) -> None:
        response = await client.get("/api/v1/auth/users")
        assert response.status_code == 401
        assert response.json()["error"]["code"] == "not_authenticated"

    async def test_wrong_role_is_403(self, client: httpx.AsyncClient) -> None:
        response = await client.get("/api/v1/auth/users", headers=auth_headers("operator"))
        assert response.status_code == 403
        assert response.json()["error"]["code"] == "forbidden"

    async def test_admin_lists_users(self, client: httpx.AsyncClient) -> None:
        response = await client.get("/api/v1/auth/users", headers=auth_headers("admin"))
        assert response.status_code == 200, response.text
