from __future__ import annotations

from typing import Any

import httpx
import psycopg
import pytest

from app import health
from app.dbserver import libpq_dsn
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

    async def test_ready_reads_the_migration_scripts_once_per_process(
        self, client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        loads: list[Any] = []
        real_from_config = health.ScriptDirectory.from_config

        def counting_from_config(config: Any) -> Any:
            loads.append(config)
            return real_from_config(config)

        monkeypatch.setattr(health.ScriptDirectory, "from_config", counting_from_config)
        health.migration_head.cache_clear()
        try:
            answers = [await client.get("/health/ready") for _ in range(3)]
        finally:
            health.migration_head.cache_clear()
        assert [answer.status_code for answer in answers] == [200, 200, 200]
        assert len(loads) == 1

    async def test_ready_is_503_when_the_database_is_behind_the_head(
        self, live_client: httpx.AsyncClient, committed_database_url: str
    ) -> None:
        assert (await live_client.get("/health/ready")).status_code == 200
        with psycopg.connect(libpq_dsn(committed_database_url), autocommit=True) as conn:
            conn.execute("UPDATE alembic_version SET version_num = 'an_older_revision'")
        response = await live_client.get("/health/ready")
        assert response.status_code == 503, response.text
        assert response.json()["error"]["code"] == "not_ready"
        assert "an_older_revision" in response.json()["error"]["message"]


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


class TestCrossCutting:
    async def test_insane_correlation_id_is_replaced_by_a_generated_one(self, client: httpx.AsyncClient) -> None:
        response = await client.get("/health/live", headers={"X-Correlation-ID": "x" * 300})
        assert response.headers["X-Correlation-ID"] != "x" * 300
        assert len(response.headers["X-Correlation-ID"]) == 32

    async def test_cors_headers_are_present_on_error_answers(self, client: httpx.AsyncClient) -> None:
        response = await client.get("/api/v1/auth/users", headers={"Origin": "http://localhost:5173"})
        assert response.status_code == 401
        assert response.headers["access-control-allow-origin"] == "http://localhost:5173"

    async def test_method_not_allowed_uses_the_envelope(self, client: httpx.AsyncClient) -> None:
        response = await client.delete("/health/live")
        assert response.status_code == 405
        assert response.json()["error"]["code"] == "method_not_allowed"

    async def test_malformed_json_is_422_validation_error(self, client: httpx.AsyncClient) -> None:
        response = await client.post(
            "/api/v1/auth/users",
            content=b"{not json",
            headers={**auth_headers("admin"), "Content-Type": "application/json"},
        )
        assert response.status_code == 422
        assert response.json()["error"]["code"] == "validation_error"

    async def test_metrics_are_exposed_in_prometheus_format_to_admins_and_auditors(
        self, client: httpx.AsyncClient
    ) -> None:
        await client.get("/api/v1/clients/not-a-uuid", headers=auth_headers("operator"))
        for role in ("auditor", "admin"):
            response = await client.get("/metrics", headers=auth_headers(role))
            assert response.status_code == 200, response.text
            assert response.headers["content-type"].startswith("text/plain")
            # Requests are counted under their route template, not the raw path.
            assert 'mtf_http_requests_total{method="GET",route="/api/v1/clients/{client_id}",status="422"}' in (
                response.text
            )

    async def test_metrics_are_not_public(self, client: httpx.AsyncClient) -> None:
        """Only /health/*, the token endpoint, OpenAPI and the landing API answer without a staff token."""
        assert (await client.get("/metrics")).status_code == 401
        assert (await client.get("/metrics", headers=auth_headers("operator"))).status_code == 403


async def test_unexpected_errors_are_500_internal_error_with_cors_and_no_trace(database_url: str) -> None:
    from fastapi import APIRouter

    from app.main import create_app

    app = create_app(manage_database=False)
    boom = APIRouter()

    @boom.get("/boom")
    async def explode() -> None:
        raise RuntimeError("secret SQL detail SELECT * FROM clients")

    app.include_router(boom)
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        response = await http.get("/boom", headers={"Origin": "http://localhost:5173", "X-Correlation-ID": "c-500"})
    assert response.status_code == 500
    body = response.json()
    assert body["error"]["code"] == "internal_error"
    assert body["error"]["correlation_id"] == "c-500"
    assert "SELECT" not in response.text
    assert response.headers["access-control-allow-origin"] == "http://localhost:5173"


async def test_ready_is_503_not_ready_when_the_database_is_not_migrated(admin_url: str, database_url: str) -> None:
    import uuid

    from psycopg import sql

    from app.db import database
    from app.main import create_app
    from tests.fixtures.database import admin_execute, drop_database, url_for

    name = f"mtf_test_empty_{uuid.uuid4().hex[:8]}"
    admin_execute(admin_url, sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    await database.dispose()
    database.configure(url_for(admin_url, name), pool_size=1)
    try:
        transport = httpx.ASGITransport(app=create_app(manage_database=False), raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
            response = await http.get("/health/ready")
        assert response.status_code == 503
        assert response.json()["error"]["code"] == "not_ready"
    finally:
        await database.dispose()
        database.configure(database_url, pool_size=5)
        drop_database(admin_url, name)


async def test_a_declared_body_above_the_limit_is_413_without_being_read(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/api/v1/auth/users",
        content=b"{}",
        headers={**auth_headers("admin"), "Content-Type": "application/json", "Content-Length": str(3 * 1024 * 1024)},
    )
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "payload_too_large"


async def test_secured_operations_document_401_and_403_in_the_envelope() -> None:
    from app.main import create_app

    schema = create_app(manage_database=False).openapi()
    clients_list = schema["paths"]["/api/v1/clients"]["get"]["responses"]
    assert {"401", "403"} <= set(clients_list)
    assert clients_list["401"]["content"]["application/json"]["schema"]["allOf"][0] == {
        "$ref": "#/components/schemas/ErrorEnvelope"
    }
    assert "401" not in schema["paths"]["/api/v1/auth/token"]["post"].get("security", [])


async def test_a_staff_token_is_decoded_once_per_request(
    client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    from app.auth import deps

    decoded: list[str] = []
    real_decode = deps.decode_access_token

    def counting_decode(settings: Any, token: str) -> dict[str, Any]:
        decoded.append(token)
        return real_decode(settings, token)

    monkeypatch.setattr(deps, "decode_access_token", counting_decode)
    response = await client.get("/api/v1/auth/me", headers=auth_headers("operator"))
    assert response.status_code == 200, response.text
    assert len(decoded) == 1
    refused = await client.get("/api/v1/auth/me", headers={"Authorization": "Bearer not-a-token"})
    assert refused.status_code == 401
