"""Connections are not pinged at checkout (a round trip per request): a connection the server dropped fails
its first statement instead. That request answers 503 database_unavailable, the pool is invalidated, and the
next request runs on a fresh connection."""

from __future__ import annotations

import httpx
import psycopg
from sqlalchemy.engine import make_url

from app.dbserver import libpq_dsn
from tests.fixtures.auth import auth_headers

OPERATOR = auth_headers("operator")


def drop_every_connection_to(url: str) -> int:
    name = make_url(url).database
    with psycopg.connect(libpq_dsn(make_url(url).set(database="postgres")), autocommit=True) as conn:
        rows = conn.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
            (name,),
        ).fetchall()
    return len(rows)


async def test_a_dropped_connection_answers_503_once_then_requests_succeed(
    live_client: httpx.AsyncClient, committed_database_url: str
) -> None:
    assert (await live_client.get("/api/v1/clients", headers=OPERATOR)).status_code == 200
    assert drop_every_connection_to(committed_database_url) >= 1

    lost = await live_client.get("/api/v1/clients", headers=OPERATOR)
    assert lost.status_code == 503, lost.text
    assert lost.json()["error"]["code"] == "database_unavailable"
    assert int(lost.headers["Retry-After"]) >= 1

    assert (await live_client.get("/api/v1/clients", headers=OPERATOR)).status_code == 200
