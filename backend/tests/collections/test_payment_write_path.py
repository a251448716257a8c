"""The payment's rows written with Core statements (decision 0025) are the rows the ORM wrote before.

The payment, its allocations, its audit record, its outbox event and its idempotency key are inserted
without ORM objects, and the client is read once. These tests pin what that must not change: every
allocation of a payment spread over several invoices, the audit and outbox content, the answer (and its
replay), and the rows the Core writers produce compared with the ORM writers still used elsewhere.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import httpx
from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from app.collections import outbox
from app.collections.models import OutboxEvent, Payment, PaymentAllocation
from app.kit.audit import AuditRecord, insert_audit_record, record_audit
from app.kit.correlation import Actor, correlation_id_var
from app.kit.idempotency import IdempotencyRecord
from tests.fixtures.auth import auth_headers
from tests.fixtures.collections_factories import create_invoice, reload
from tests.fixtures.factories import create_client

PAYMENTS = "/api/v1/collections/payments"
TODAY = datetime.now(UTC).date()


def collector(key: str, **extra: str) -> dict[str, str]:
    return {**auth_headers("collections", subject="agent.amina", **extra), "Idempotency-Key": key}


async def payment_rows(session: AsyncSession, payment_id: str) -> dict[str, int]:
    """How many rows a payment wrote in each table it writes to."""
    counts = {
        "payments": select(func.count()).where(Payment.id == uuid.UUID(payment_id)),
        "allocations": select(func.count()).where(PaymentAllocation.payment_id == uuid.UUID(payment_id)),
        "audit": select(func.count()).where(
            AuditRecord.action == "payment.recorded", AuditRecord.entity_id == payment_id
        ),
        "outbox": select(func.count()).where(OutboxEvent.payload["payment_id"].astext == payment_id),
    }
    return {name: int(await session.scalar(stmt) or 0) for name, stmt in counts.items()}


async def spread_payment(http: httpx.AsyncClient, session: AsyncSession, key: str) -> tuple[httpx.Response, list[Any]]:
    """A client with three open invoices and a payment of 250.00 that settles the two oldest and part of the third."""
    customer = await create_client(session)
    invoices = [
        await create_invoice(session, customer, total="100.00", due_date=TODAY + timedelta(days=days))
        for days in (30, 10, 20)
    ]
    oldest_first = sorted(invoices, key=lambda invoice: invoice.due_date)
    body = {"client_id": str(customer.id), "amount": "250.00", "method": "cash", "reference": "CAISSE-9"}
    response = await http.post(PAYMENTS, json=body, headers=collector(key, **{"X-Correlation-ID": f"corr-{key}"}))
    return response, oldest_first


class TestPaymentOverSeveralInvoices:
    async def test_every_allocation_is_stored_in_the_order_of_the_plan(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        response, invoices = await spread_payment(client, session, f"spread-{uuid.uuid4()}")

        assert response.status_code == 201, response.text
        payment_id = uuid.UUID(response.json()["id"])
        stored = (
            await session.execute(
                select(PaymentAllocation.invoice_id, PaymentAllocation.amount, PaymentAllocation.position)
                .where(PaymentAllocation.payment_id == payment_id)
                .order_by(PaymentAllocation.position)
            )
        ).all()
        assert [tuple(row) for row in stored] == [
            (invoices[0].id, Decimal("100.00"), 0),
            (invoices[1].id, Decimal("100.00"), 1),
            (invoices[2].id, Decimal("50.00"), 2),
        ]
        assert [(await reload(session, invoice)).paid_amount for invoice in invoices] == [
            Decimal("100.00"),
            Decimal("100.00"),
            Decimal("50.00"),
        ]

    async def test_the_audit_record_and_the_outbox_event_carry_the_whole_payment(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        key = f"spread-{uuid.uuid4()}"
        response, invoices = await spread_payment(client, session, key)

        answer = response.json()
        expected = {
            "payment_id": answer["id"],
            "client_id": answer["client_id"],
            "amount": "250.00",
            "currency": "MAD",
            "method": "cash",
            "reference": "CAISSE-9",
            "received_at": datetime.fromisoformat(answer["received_at"]).isoformat(),
            "source": "payment",
            "allocations": [
                {"invoice_id": str(invoice.id), "invoice_number": invoice.invoice_number, "amount": amount}
                for invoice, amount in zip(invoices, ["100.00", "100.00", "50.00"], strict=True)
            ],
        }
        [audit] = await session.scalars(
            select(AuditRecord).where(AuditRecord.action == "payment.recorded", AuditRecord.entity_id == answer["id"])
        )
        assert (audit.actor, audit.role, audit.entity_type, audit.correlation_id) == (
            "agent.amina",
            "collections",
            "payment",
            f"corr-{key}",
        )
        assert audit.before is None
        assert audit.after == expected
        [event] = await session.scalars(
            select(OutboxEvent).where(OutboxEvent.payload["payment_id"].astext == answer["id"])
        )
        assert (event.type, event.payload, event.delivered_at) == ("payment.recorded", expected, None)

    async def test_the_answer_is_the_stored_payment(self, client: httpx.AsyncClient, session: AsyncSession) -> None:
        response, invoices = await spread_payment(client, session, f"spread-{uuid.uuid4()}")

        answer = response.json()
        payment = await session.get_one(Payment, uuid.UUID(answer["id"]))
        assert datetime.fromisoformat(answer["created_at"]) == payment.created_at
        assert (answer["currency"], answer["created_by"], answer["source"]) == ("MAD", "agent.amina", "payment")
        assert [(i["invoice_id"], i["status"], i["outstanding_amount"]) for i in answer["invoices"]] == [
            (str(invoices[0].id), "paid", "0.00"),
            (str(invoices[1].id), "paid", "0.00"),
            (str(invoices[2].id), "issued", "50.00"),
        ]
        read = (await client.get(f"{PAYMENTS}/{answer['id']}", headers=auth_headers("billing"))).json()
        assert read == {name: value for name, value in answer.items() if name != "invoices"}

    async def test_a_replay_answers_the_stored_payment_and_writes_nothing_more(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        key = f"spread-{uuid.uuid4()}"
        first, invoices = await spread_payment(client, session, key)
        payment_id = first.json()["id"]
        written = await payment_rows(session, payment_id)
        keys = await session.scalar(select(func.count()).where(IdempotencyRecord.key == key))

        body = {"client_id": first.json()["client_id"], "amount": "250.00", "method": "cash", "reference": "CAISSE-9"}
        again = await client.post(PAYMENTS, json=body, headers=collector(key))

        assert (again.status_code, again.headers["Idempotent-Replayed"]) == (201, "true")
        assert again.json() == first.json()
        assert written == {"payments": 1, "allocations": 3, "audit": 1, "outbox": 1}
        assert await payment_rows(session, payment_id) == written
        assert await session.scalar(select(func.count()).where(IdempotencyRecord.key == key)) == keys == 1
        assert (await reload(session, invoices[2])).paid_amount == Decimal("50.00")


class TestCoreWritersMatchTheOrmWriters:
    async def test_an_audit_record_inserted_with_core_is_the_record_the_orm_writes(self, session: AsyncSession) -> None:
        marker = f"parity-{uuid.uuid4()}"
        actor = Actor("agent.parity", frozenset({"collections"}))
        after = {"amount": Decimal("12.50"), "at": datetime(2026, 12, 1, 9, 30, tzinfo=UTC), "ids": [uuid.UUID(int=7)]}
        token = correlation_id_var.set(marker)
        try:
            for write in (record_audit, insert_audit_record):
                await write(
                    session,
                    action="payment.recorded",
                    entity_type="payment",
                    entity_id=marker,
                    after=after,
                    actor=actor,
                )
                await write(
                    session,
                    action="payment.recorded",
                    entity_type="payment",
                    entity_id=marker,
                    before={"status": "open"},
                    actor=actor,
                )
        finally:
            correlation_id_var.reset(token)

        rows = (
            await session.execute(
                text(
                    "SELECT actor, role, action, entity_type, entity_id, before IS NULL AS no_before, before::text,"
                    " after IS NULL AS no_after, after::text, correlation_id, occurred_at IS NOT NULL AS dated"
                    " FROM audit_log WHERE entity_id = :marker ORDER BY id"
                ),
                {"marker": marker},
            )
        ).all()
        orm_rows, core_rows = rows[:2], rows[2:]
        assert len(rows) == 4
        assert core_rows == orm_rows

    async def test_an_outbox_event_inserted_with_core_is_the_event_the_orm_writes(self, session: AsyncSession) -> None:
        marker = f"parity-{uuid.uuid4()}"
        payload = {"marker": marker, "amount": Decimal("12.50"), "client_id": uuid.UUID(int=9), "note": None}

        await outbox.publish(session, "payment.recorded", payload)
        await outbox.insert_event(session, "payment.recorded", payload)

        rows = (
            await session.execute(
                text(
                    "SELECT type, payload::text, delivered_at IS NULL AS undelivered, created_at IS NOT NULL AS dated"
                    " FROM outbox_events WHERE payload->>'marker' = :marker ORDER BY created_at"
                ),
                {"marker": marker},
            )
        ).all()
        assert len(rows) == 2
        assert rows[0] == rows[1]
