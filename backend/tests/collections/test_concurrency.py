"""Real parallel requests on committed data: racing payments can never overpay an invoice."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Coroutine
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from app.billing.models import Invoice
from app.collections import cases
from app.collections import service as collections_service
from app.collections.models import CollectionCase, Payment
from app.collections.schemas import PaymentCreate
from app.customers.models import Client
from app.db import database
from app.kit.locks import lock_client
from tests.fixtures.auth import auth_headers
from tests.fixtures.collections_factories import create_invoice
from tests.fixtures.factories import create_client

pytestmark = pytest.mark.concurrency

TODAY = datetime.now(UTC).date()


async def _committed_invoice(total: str, *, due_in_days: int = 10) -> tuple[uuid.UUID, uuid.UUID]:
    async with database.sessionmaker() as session:
        customer = await create_client(session)
        invoice = await create_invoice(session, customer, total=total, due_date=TODAY + timedelta(days=due_in_days))
        await session.commit()
        return customer.id, invoice.id


async def _kept_waiting[T](request: Coroutine[Any, Any, T], holder: str) -> asyncio.Task[T]:
    """Send the request alongside the open transaction, and check it is still waiting for its locks."""
    task = asyncio.create_task(request)
    await asyncio.sleep(1.0)
    assert not task.done(), f"the request went ahead while {holder} held its locks"
    return task


async def _after_race(client_id: uuid.UUID, invoice_id: uuid.UUID) -> tuple[str, str, list[str]]:
    """The invoice's status, the client's, and the statuses of the client's cases."""
    async with database.sessionmaker() as session:
        invoice = await session.get_one(Invoice, invoice_id)
        client = await session.get_one(Client, client_id)
        statuses = await session.scalars(select(CollectionCase.status).where(CollectionCase.client_id == client_id))
        return invoice.status, client.status, list(statuses)


async def _invoice_and_payments(invoice_id: uuid.UUID, client_id: uuid.UUID) -> tuple[Invoice, int, Decimal]:
    async with database.sessionmaker() as session:
        invoice = await session.get_one(Invoice, invoice_id)
        count, total = (
            await session.execute(
                select(func.count(), func.coalesce(func.sum(Payment.amount), 0)).where(Payment.client_id == client_id)
            )
        ).one()
        return invoice, int(count), Decimal(total)


class TestParallelPayments:
    async def test_racing_payments_on_one_invoice_never_exceed_its_outstanding_amount(
        self, live_client: httpx.AsyncClient
    ) -> None:
        client_id, invoice_id = await _committed_invoice("100.00")
        body = {
            "client_id": str(client_id),
            "amount": "30.00",
            "method": "mobile_money",
            "allocations": [{"invoice_id": str(invoice_id), "amount": "30.00"}],
        }

        responses = await asyncio.gather(
            *[
                live_client.post(
                    "/api/v1/collections/payments",
                    json=body,
                    headers=auth_headers("collections", **{"Idempotency-Key": f"race-{n}"}),
                )
                for n in range(6)
            ]
        )

        statuses = sorted(r.status_code for r in responses)
        assert statuses == [201, 201, 201, 422, 422, 422], [r.text for r in responses]
        # Each refusal is the service's own check after waiting for the payments before it: it saw the 10.00
        # left. Without the locks the requests would all read 100.00 owed and the late ones would only be
        # stopped by the database's check constraint (another message), so this also proves they overlapped.
        refusals = [r.json()["error"] for r in responses if r.status_code == 422]
        assert {(e["code"], e["message"]) for e in refusals} == {
            ("overpayment", "The amount exceeds what the client owes (10.00).")
        }, refusals
        invoice, count, paid = await _invoice_and_payments(invoice_id, client_id)
        assert (count, paid) == (3, Decimal("90.00"))
        assert paid <= invoice.total
        assert (invoice.paid_amount, invoice.outstanding_amount, invoice.status) == (
            Decimal("90.00"),
            Decimal("10.00"),
            "issued",
        )

    async def test_racing_unallocated_payments_and_approvals_settle_exactly_once(
        self, live_client: httpx.AsyncClient
    ) -> None:
        client_id, invoice_id = await _committed_invoice("100.00")
        payment = {"client_id": str(client_id), "amount": "60.00", "method": "cash"}

        requests = [
            live_client.post(
                "/api/v1/collections/payments",
                json=payment,
                headers=auth_headers("collections", **{"Idempotency-Key": f"cash-{n}"}),
            )
            for n in range(3)
        ] + [
            live_client.post(
                f"/api/v1/collections/invoices/{invoice_id}/approve-paid",
                headers=auth_headers("collections", **{"Idempotency-Key": f"approve-{n}"}),
            )
            for n in range(3)
        ]
        responses = await asyncio.gather(*requests)

        accepted = [Decimal(r.json()["amount"]) for r in responses if r.status_code == 201]
        refused = {r.json()["error"]["code"] for r in responses if r.status_code != 201}
        assert refused <= {"overpayment", "invoice_already_paid"}, [r.text for r in responses]
        invoice, count, paid = await _invoice_and_payments(invoice_id, client_id)
        assert sum(accepted) == paid == invoice.paid_amount
        assert count == len(accepted)
        assert paid <= invoice.total
        # Whoever came first, the invoice ends fully paid: 60 + 40 (approval) or 100 (approval first).
        assert (invoice.status, invoice.outstanding_amount) == ("paid", Decimal("0.00"))

    async def test_a_payment_waits_for_the_client_lock_that_billing_holds(self, live_client: httpx.AsyncClient) -> None:
        client_id, invoice_id = await _committed_invoice("100.00")
        body = {"client_id": str(client_id), "amount": "40.00", "method": "cash"}

        async with database.sessionmaker() as billing, billing.begin():
            # What a billing run does for this client: the same advisory lock, held until it commits.
            await lock_client(billing, client_id)
            payment = await _kept_waiting(
                live_client.post(
                    "/api/v1/collections/payments",
                    json=body,
                    headers=auth_headers("collections", **{"Idempotency-Key": "while-billing"}),
                ),
                "billing",
            )
            _, count, _ = await _invoice_and_payments(invoice_id, client_id)
            assert count == 0

        response = await asyncio.wait_for(payment, timeout=30)
        assert response.status_code == 201, response.text
        _, count, paid = await _invoice_and_payments(invoice_id, client_id)
        assert (count, paid) == (1, Decimal("40.00"))

    async def test_the_same_key_sent_in_parallel_pays_once(self, live_client: httpx.AsyncClient) -> None:
        client_id, invoice_id = await _committed_invoice("100.00")
        body = {"client_id": str(client_id), "amount": "25.00", "method": "card"}
        headers = auth_headers("collections", **{"Idempotency-Key": "one-card-swipe"})

        responses = await asyncio.gather(
            *[live_client.post("/api/v1/collections/payments", json=body, headers=headers) for _ in range(4)]
        )

        assert {r.status_code for r in responses} <= {201, 409}
        assert {r.json()["error"]["code"] for r in responses if r.status_code == 409} <= {"idempotency_key_in_progress"}
        _, count, paid = await _invoice_and_payments(invoice_id, client_id)
        assert (count, paid) == (1, Decimal("25.00"))


class TestPaymentDuringTheEvaluation:
    async def test_a_payment_that_waits_for_the_evaluation_clears_the_delinquency_it_marked(
        self, live_client: httpx.AsyncClient
    ) -> None:
        client_id, invoice_id = await _committed_invoice("80.00", due_in_days=-5)
        body = {"client_id": str(client_id), "amount": "80.00", "method": "cash"}

        async with database.sessionmaker() as evaluation, evaluation.begin():
            # The evaluation has marked the invoice overdue, opened the case and made the client delinquent,
            # and has not committed: the payment reads the client as still active, then waits for the
            # invoice the evaluation holds.
            summary = await cases.evaluate_collections(evaluation, TODAY)
            assert (summary.cases_opened, summary.clients_marked_delinquent) == (1, 1)
            payment = await _kept_waiting(
                live_client.post(
                    "/api/v1/collections/payments",
                    json=body,
                    headers=auth_headers("collections", **{"Idempotency-Key": "during-evaluation"}),
                ),
                "the evaluation",
            )

        response = await asyncio.wait_for(payment, timeout=30)
        assert response.status_code == 201, response.text
        # Nothing is overdue any more, so the case is resolved and the client active again; before, the
        # client stayed delinquent until a later payment, and no one could make it active by hand.
        assert await _after_race(client_id, invoice_id) == ("paid", "active", ["resolved"])

    async def test_an_evaluation_that_waits_for_a_payment_opens_no_case_for_what_it_paid(
        self, live_client: httpx.AsyncClient
    ) -> None:
        client_id, invoice_id = await _committed_invoice("80.00", due_in_days=-5)

        async with database.sessionmaker() as payer, payer.begin():
            # The payment holds the invoice it is settling: the evaluation has to wait for it to commit.
            await collections_service.record_payment(
                payer, PaymentCreate(client_id=client_id, amount=Decimal("80.00"), method="cash")
            )
            evaluation = await _kept_waiting(
                live_client.post(
                    "/api/v1/collections/evaluations",
                    json={"as_of": TODAY.isoformat()},
                    headers=auth_headers("collections", **{"Idempotency-Key": "after-payment"}),
                ),
                "the payment",
            )

        response = await asyncio.wait_for(evaluation, timeout=30)
        assert response.status_code == 200, response.text
        # The evaluation saw the invoice paid once it got it: nothing overdue, no case, nobody delinquent.
        assert await _after_race(client_id, invoice_id) == ("paid", "active", [])
