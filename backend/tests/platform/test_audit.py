"""The audit log is append-only (enforced by the database) and readable by auditors."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest
from sqlalchemy import event, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession

from app.kit.audit import record_audit
from tests.fixtures.auth import auth_headers
from tests.fixtures.customers_factories import client_payload

AUDIT_EVENTS = "/api/v1/audit-events"


class TestAppendOnly:
    @pytest.mark.parametrize(
        "statement",
        [
            "UPDATE audit_log SET action = 'tampered' WHERE id = :id",
            "DELETE FROM audit_log WHERE id = :id",
            "TRUNCATE audit_log",
        ],
    )
    async def test_the_database_refuses_to_change_or_remove_audit_rows(
        self, session: AsyncSession, statement: str
    ) -> None:
        record = await record_audit(session, action="client.updated", entity_type="client", entity_id="e-1")
        record_id = record.id
        with pytest.raises(DBAPIError, match="append-only"):
            async with session.begin_nested():
                await session.execute(text(statement), {"id": record_id})
        action = await session.scalar(text("SELECT action FROM audit_log WHERE id = :id"), {"id": record_id})
        assert action == "client.updated"


class TestAuditEventsApi:
    async def test_auditor_lists_the_events_of_a_request(self, client: httpx.AsyncClient) -> None:
        created = await client.post(
            "/api/v1/clients",
            json=client_payload(),
            headers=auth_headers("operator", **{"X-Correlation-ID": "audit-trail-1"}),
        )
        assert created.status_code == 201, created.text
        response = await client.get(
            AUDIT_EVENTS,
            params={"correlation_id": "audit-trail-1", "entity_type": "client"},
            headers=auth_headers("auditor"),
        )
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["total"] == 1
        [event] = body["items"]
        assert event["action"] == "client.created"
        assert event["entity_id"] == created.json()["id"]
        assert event["actor"] == "test-operator"
        assert event["role"] == "operator"
        assert event["after"]["cin"] == created.json()["cin"]

    async def test_operators_cannot_read_the_audit_trail(self, client: httpx.AsyncClient) -> None:
        response = await client.get(AUDIT_EVENTS, headers=auth_headers("operator"))
        assert response.status_code == 403
        assert response.json()["error"]["code"] == "forbidden"

    async def test_without_token_is_401(self, client: httpx.AsyncClient) -> None:
        assert (await client.get(AUDIT_EVENTS)).status_code == 401

    async def test_the_filters_take_only_the_audit_vocabulary(self, client: httpx.AsyncClient) -> None:
        # Actions and entity types are an enum in the OpenAPI (the workspace shows each in words): a typo in a
        # filter is named instead of silently matching nothing.
        for name, value in (("action", "client.creatd"), ("entity_type", "clients")):
            response = await client.get(AUDIT_EVENTS, params={name: value}, headers=auth_headers("auditor"))
            assert response.status_code == 422, response.text
            assert response.json()["error"]["details"][0]["loc"] == ["query", name]

    async def test_the_issuing_batch_of_an_invoice_number(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        # A run audits each batch of consecutive numbers once; an invoice's timeline finds its batch by number,
        # compared as integers within the number's series (FAC-2026-1000000 comes after FAC-2026-999999).
        run = "0193a0c4-0000-7000-8000-000000000001"
        batches = [
            ("FAC-2026-000001", "FAC-2026-001000"),
            ("FAC-2026-001001", "FAC-2026-002000"),
            ("FAC-2026-999001", "FAC-2026-1000500"),
            ("FAC-2025-000001", "FAC-2025-005000"),
        ]
        for first, last in batches:
            await record_audit(
                session,
                action="invoices.issued",
                entity_type="billing_run",
                entity_id=run,
                after={"first_invoice_number": first, "last_invoice_number": last, "invoices": 1000},
            )
        for number, expected in [
            ("FAC-2026-001000", "FAC-2026-000001"),
            ("FAC-2026-001001", "FAC-2026-001001"),
            ("FAC-2026-1000000", "FAC-2026-999001"),
            ("FAC-2025-000042", "FAC-2025-000001"),
            ("FAC-2027-000001", None),
        ]:
            response = await client.get(
                AUDIT_EVENTS,
                params={"entity_type": "billing_run", "entity_id": run, "issued_invoice_number": number},
                headers=auth_headers("auditor"),
            )
            assert response.status_code == 200, response.text
            found = [item["after"]["first_invoice_number"] for item in response.json()["items"]]
            assert found == ([expected] if expected else []), number
        bad = await client.get(AUDIT_EVENTS, params={"issued_invoice_number": "'; --"}, headers=auth_headers("auditor"))
        assert bad.status_code == 422
        assert bad.json()["error"]["details"][0]["loc"] == ["query", "issued_invoice_number"]


class TestTrailIndexes:
    """The log only grows: the trails the workspace reads on every client and invoice page must not scan it."""

    async def test_a_records_history_and_an_invoices_credit_notes_are_read_through_an_index(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        statements: list[tuple[str, Any]] = []

        def capture(_conn: Any, _cursor: Any, statement: str, parameters: Any, _context: Any, _many: bool) -> None:
            if "FROM audit_log" in statement and "ORDER BY audit_log.id DESC" in statement:
                statements.append((statement, parameters))

        connection = await session.connection()
        event.listen(connection.sync_connection, "before_cursor_execute", capture)
        try:
            for query in (
                {"entity_type": "client", "entity_id": str(uuid.uuid4())},
                {"credited_invoice_id": str(uuid.uuid4())},
            ):
                answer = await client.get(AUDIT_EVENTS, params=query, headers=auth_headers("auditor"))
                assert answer.status_code == 200, answer.text
        finally:
            event.remove(connection.sync_connection, "before_cursor_execute", capture)
        assert len(statements) == 2

        # The route's own statements and parameters, planned with sequential scans priced out: a plan that still
        # scans the table has no index to use.
        raw = (await connection.get_raw_connection()).driver_connection
        assert raw is not None
        await raw.execute("SET LOCAL enable_seqscan = off")
        plans = []
        for statement, parameters in statements:
            cursor = await raw.execute("EXPLAIN " + statement, parameters)
            plans.append("\n".join(row[0] for row in await cursor.fetchall()))
        assert "ix_audit_log_entity" in plans[0], plans[0]
        assert "ix_audit_log_credited_invoice" in plans[1], plans[1]
