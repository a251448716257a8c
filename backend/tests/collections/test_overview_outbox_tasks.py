"""The collections overview, the outbox consumer side and the daily evaluation job."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.billing.models import Invoice
from app.collections import cases, outbox
from app.collections.models import CollectionCase, OutboxEvent
from app.collections.tasks import DAILY_EVALUATION, daily_evaluation, run_evaluation
from app.db import database
from app.jobs import close_job_app, drain, job_app, open_job_app
from tests.fixtures.auth import auth_headers
from tests.fixtures.collections_factories import create_invoice
from tests.fixtures.factories import create_client

TODAY = datetime.now(UTC).date()
OVERVIEW = "/api/v1/collections/overview"


async def overview(http: httpx.AsyncClient, **params: str) -> dict[str, Any]:
    response = await http.get(OVERVIEW, params=params, headers=auth_headers("collections"))
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def buckets(figures: dict[str, Any]) -> dict[str, tuple[Decimal, int]]:
    return {row["bucket"]: (Decimal(row["amount"]), row["count"]) for row in figures["overdue_by_aging_bucket"]}


class TestOverview:
    async def test_figures_move_with_invoices_cases_and_payments(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        params = {"as_of": TODAY.isoformat(), "period_start": TODAY.isoformat(), "period_end": TODAY.isoformat()}
        before = await overview(client, **params)
        customer = await create_client(session)
        await create_invoice(session, customer, total="300.00", due_date=TODAY - timedelta(days=10))
        await create_invoice(session, customer, total="200.00", due_date=TODAY - timedelta(days=45))
        await create_invoice(session, customer, total="100.00", due_date=TODAY + timedelta(days=5))
        await cases.evaluate_collections(session, TODAY)
        await session.commit()
        paid = await client.post(
            "/api/v1/collections/payments",
            json={"client_id": str(customer.id), "amount": "50.00", "method": "cash"},
            headers=auth_headers("collections", **{"Idempotency-Key": "overview-1"}),
        )
        assert paid.status_code == 201

        after = await overview(client, **params)

        delta_outstanding = Decimal(after["total_outstanding"]) - Decimal(before["total_outstanding"])
        assert delta_outstanding == Decimal("550.00")
        old, new = buckets(before), buckets(after)
        # The 50.00 went to the oldest due invoice (45 days past due).
        assert (new["0-30"][0] - old["0-30"][0], new["0-30"][1] - old["0-30"][1]) == (Decimal("300.00"), 1)
        assert (new["31-60"][0] - old["31-60"][0], new["31-60"][1] - old["31-60"][1]) == (Decimal("150.00"), 1)
        assert Decimal(after["overdue_total"]) - Decimal(before["overdue_total"]) == Decimal("450.00")
        assert after["cases_by_status"]["open"] - before["cases_by_status"]["open"] == 1
        assert set(after["cases_by_status"]) == {"open", "in_progress", "promise_to_pay", "resolved", "written_off"}
        collected, collected_before = after["payments_collected"], before["payments_collected"]
        assert Decimal(collected["amount"]) - Decimal(collected_before["amount"]) == Decimal("50.00")
        assert collected["count"] - collected_before["count"] == 1
        assert (collected["period_start"], collected["period_end"]) == (TODAY.isoformat(), TODAY.isoformat())

    async def test_exact_figures_for_a_known_book(self, client: httpx.AsyncClient, session: AsyncSession) -> None:
        """Every figure checked against numbers worked out by hand (the test database holds only this book)."""
        # Clients of long standing: a payment received 40 days ago must be after the client existed.
        since = datetime.combine(TODAY - timedelta(days=400), datetime.min.time(), tzinfo=UTC)
        ana, badr, chama = [await create_client(session, created_at=since) for _ in range(3)]

        def ago(days: int) -> date:
            return TODAY - timedelta(days=days)

        # Ana: overdue invoices in every bucket, one not yet due, one already paid, one draft.
        i1 = await create_invoice(session, ana, total="300.00", due_date=ago(10), status="overdue")  # issued ago(25)
        await create_invoice(session, ana, total="200.00", due_date=ago(45), status="overdue")
        await create_invoice(session, ana, total="100.00", due_date=ago(75), status="overdue")
        await create_invoice(session, ana, total="80.00", due_date=ago(120), status="overdue")
        await create_invoice(session, ana, total="100.00", due_date=TODAY + timedelta(days=5))  # issued ago(10)
        await create_invoice(session, ana, total="120.00", due_date=ago(5), status="paid", paid_amount="120.00")
        await create_invoice(session, ana, total="200.00", due_date=ago(5), status="draft")
        # Badr: the edges of the first two buckets (30 and 31 days past due).
        await create_invoice(session, badr, total="60.00", due_date=ago(31), status="overdue")
        await create_invoice(session, badr, total="40.00", due_date=ago(30), status="overdue")
        # Chama: overdue, then paid in full (her case resolves).
        await create_invoice(session, chama, total="90.00", due_date=ago(3), status="overdue")  # issued ago(18)
        await cases.evaluate_collections(session, TODAY)
        await session.commit()
        ids = {"ana": str(ana.id), "badr": str(badr.id), "chama": str(chama.id), "i1": str(i1.id)}

        async def pay(key: str, body: dict[str, Any]) -> None:
            headers = auth_headers("collections", **{"Idempotency-Key": key})
            response = await client.post("/api/v1/collections/payments", json=body, headers=headers)
            assert response.status_code == 201, response.text

        # 50.00 to Ana's oldest (80.00 -> 30.00 left), 30.00 on her newest overdue (300.00 -> 270.00 left).
        await pay("exact-1", {"client_id": ids["ana"], "amount": "50.00", "method": "cash"})
        allocation = [{"invoice_id": ids["i1"], "amount": "30.00"}]
        await pay("exact-2", {"client_id": ids["ana"], "amount": "30.00", "method": "card", "allocations": allocation})
        await pay("exact-3", {"client_id": ids["chama"], "amount": "90.00", "method": "cash"})
        # Received before the period: lowers Badr's oldest (60.00 -> 50.00) but is not collected in the period.
        received = datetime.combine(ago(40), datetime.min.time(), tzinfo=UTC).isoformat()
        await pay("exact-4", {"client_id": ids["badr"], "amount": "10.00", "method": "cash", "received_at": received})

        figures = await overview(
            client, as_of=TODAY.isoformat(), period_start=ago(30).isoformat(), period_end=TODAY.isoformat()
        )

        # 270 + 200 + 100 + 30 + 100 (not yet due) + 50 + 40
        assert figures["total_outstanding"] == "790.00"
        assert figures["overdue_by_aging_bucket"] == [
            {"bucket": "0-30", "amount": "310.00", "count": 2},  # 270 (10 days) + 40 (30 days)
            {"bucket": "31-60", "amount": "250.00", "count": 2},  # 200 (45 days) + 50 (31 days)
            {"bucket": "61-90", "amount": "100.00", "count": 1},
            {"bucket": "90+", "amount": "30.00", "count": 1},
        ]
        assert figures["overdue_total"] == "690.00"
        assert figures["cases_by_status"] == {
            "open": 2,
            "in_progress": 0,
            "promise_to_pay": 0,
            "resolved": 1,
            "written_off": 0,
        }
        assert figures["payments_collected"] == {
            "period_start": ago(30).isoformat(),
            "period_end": TODAY.isoformat(),
            "amount": "170.00",
            "count": 3,
        }
        # Issued in the period: 300 (ago 25) + 100 (ago 10) + 120 (ago 20) + 90 (ago 18); the draft is not invoiced.
        # Paid on them so far: 30 + 0 + 120 + 90 = 240; 240 / 610 = 0.39344...
        assert (figures["invoiced_in_period"], figures["collection_rate"]) == ("610.00", "0.3934")

    async def test_the_last_representable_day_is_a_valid_period_end(self, client: httpx.AsyncClient) -> None:
        figures = await overview(client, as_of="9999-12-31")

        assert figures["payments_collected"]["period_end"] == "9999-12-31"

    async def test_collection_rate_is_paid_over_invoiced_for_invoices_issued_in_the_period(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        customer = await create_client(session)
        issued = date(2019, 3, 10)
        await create_invoice(session, customer, total="300.00", issue_date=issued, due_date=issued + timedelta(days=15))
        await create_invoice(
            session,
            customer,
            total="100.00",
            issue_date=issued,
            due_date=issued + timedelta(days=15),
            status="paid",
            paid_amount="100.00",
        )
        await create_invoice(
            session, customer, total="200.00", issue_date=issued, due_date=issued, status="draft", invoice_number=None
        )

        march = await overview(client, as_of="2019-03-31", period_start="2019-03-01", period_end="2019-03-31")
        empty = await overview(client, as_of="2019-05-31", period_start="2019-05-01", period_end="2019-05-31")

        assert (march["invoiced_in_period"], march["collection_rate"]) == ("400.00", "0.2500")
        assert (empty["invoiced_in_period"], empty["collection_rate"]) == ("0.00", None)

    async def test_the_period_defaults_to_the_month_of_as_of(self, client: httpx.AsyncClient) -> None:
        figures = await overview(client, as_of="2026-02-14")

        assert (figures["payments_collected"]["period_start"], figures["payments_collected"]["period_end"]) == (
            "2026-02-01",
            "2026-02-14",
        )

    async def test_a_period_ending_before_it_starts_is_refused(self, client: httpx.AsyncClient) -> None:
        response = await client.get(
            OVERVIEW, params={"period_start": "2026-02-10", "period_end": "2026-02-01"}, headers=auth_headers("auditor")
        )

        assert response.status_code == 422
        assert response.json()["error"]["details"][0]["loc"] == ["query", "period_end"]

    @pytest.mark.parametrize(("role", "status"), [("auditor", 200), ("billing", 200), ("operator", 403)])
    async def test_readers(self, client: httpx.AsyncClient, role: str, status: int) -> None:
        assert (await client.get(OVERVIEW, headers=auth_headers(role))).status_code == status


class TestOutboxConsumer:
    async def test_a_consumer_claims_undelivered_events_oldest_first_and_marks_them_delivered(
        self, session: AsyncSession
    ) -> None:
        marker = str(uuid.uuid4())
        first = await outbox.publish(session, "test.event", {"marker": marker, "amount": Decimal("12.50")})
        second = await outbox.publish(session, "test.event", {"marker": marker, "n": 2})

        claimed = [e for e in await outbox.claim_undelivered(session, limit=1000) if e.payload.get("marker") == marker]
        await outbox.mark_delivered(session, [first.id])

        assert [e.id for e in claimed] == [first.id, second.id]
        assert claimed[0].payload["amount"] == "12.50"
        left = await session.scalars(
            select(OutboxEvent.id).where(
                OutboxEvent.delivered_at.is_(None), OutboxEvent.payload["marker"].astext == marker
            )
        )
        assert list(left) == [second.id]


class TestDailyEvaluationJob:
    def test_the_evaluation_is_a_daily_periodic_task(self) -> None:
        periodic = {task.task.name: task for task in job_app.periodic_registry.periodic_tasks.values()}

        assert periodic[DAILY_EVALUATION].cron == "30 1 * * *"
        assert periodic[DAILY_EVALUATION].task.queue == "collections"

    async def test_a_worker_runs_the_evaluation_for_the_day_of_its_schedule(
        self, live_client: httpx.AsyncClient, committed_database_url: str
    ) -> None:
        due = TODAY - timedelta(days=4)
        async with database.sessionmaker() as session:
            customer = await create_client(session)
            invoice = await create_invoice(session, customer, due_date=due)
            await session.commit()
            client_id, invoice_id = customer.id, invoice.id
        scheduled = datetime.combine(TODAY, datetime.min.time(), tzinfo=UTC) + timedelta(hours=1, minutes=30)

        await open_job_app(committed_database_url)
        try:
            await daily_evaluation.defer_async(timestamp=int(scheduled.timestamp()))
            await drain()
        finally:
            await close_job_app()

        async with database.sessionmaker() as session:
            assert (await session.get_one(Invoice, invoice_id)).status == "overdue"
            case = await session.scalar(select(CollectionCase).where(CollectionCase.client_id == client_id))
            assert case is not None
            assert (case.evaluated_on, case.days_past_due) == (TODAY, 4)

    async def test_an_evaluation_run_outside_a_request_commits_its_work(self, live_client: httpx.AsyncClient) -> None:
        async with database.sessionmaker() as session:
            customer = await create_client(session)
            await create_invoice(session, customer, due_date=TODAY - timedelta(days=1))
            await session.commit()
            client_id = customer.id

        summary = await run_evaluation(TODAY)

        assert summary is not None
        assert summary.cases_opened == 1
        async with database.sessionmaker() as session:
            assert await cases.open_case_for_client(session, client_id) is not None
