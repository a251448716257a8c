"""GET and HEAD read on read-only autocommit connections (no BEGIN/COMMIT round trips); every other method
keeps its unit of work in one transaction."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import Request

from app.db import get_session
from tests.fixtures.auth import auth_headers
from tests.fixtures.customers_factories import client_payload


def request_with(method: str) -> Request:
    return Request({"type": "http", "method": method, "headers": [], "path": "/", "query_string": b""})


async def session_for(method: str) -> AsyncIterator[AsyncSession]:
    async for session in get_session(request_with(method)):
        yield session


@pytest.mark.usefixtures("live_client")
class TestReadSessions:
    @pytest.mark.parametrize("method", ["GET", "HEAD"])
    async def test_a_read_runs_outside_any_transaction_and_cannot_write(self, method: str) -> None:
        async for session in session_for(method):
            assert await session.scalar(text("SHOW transaction_read_only")) == "on"
            # Autocommit: no transaction stays open between statements (no BEGIN was sent).
            assert await session.scalar(text("SELECT now() = statement_timestamp()")) is True
            with pytest.raises(DBAPIError, match="read-only transaction"):
                await session.execute(text("UPDATE clients SET city = city"))

    @pytest.mark.parametrize("method", ["POST", "PATCH", "PUT", "DELETE"])
    async def test_a_write_method_keeps_one_read_write_transaction(self, method: str) -> None:
        async for session in session_for(method):
            assert await session.scalar(text("SHOW transaction_read_only")) == "off"
            first = await session.scalar(text("SELECT now()"))
            assert await session.scalar(text("SELECT now()")) == first


async def test_a_read_sees_what_a_write_committed(live_client: httpx.AsyncClient) -> None:
    created = await live_client.post("/api/v1/clients", json=client_payload(), headers=auth_headers("operator"))
    assert created.status_code == 201, created.text
    read = await live_client.get(f"/api/v1/clients/{created.json()['id']}", headers=auth_headers("operator"))
    assert read.status_code == 200, read.text
    assert read.json() == created.json()
