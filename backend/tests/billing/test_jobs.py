"""Billing on the real job engine, with real commits: end to end through Procrastinate workers, two runs
billing the same clients at the same time, and a worker killed in the middle of a chunk."""

from __future__ import annotations

import asyncio
import io
import os
import signal
import subprocess
import sys
import uuid
from collections.abc import AsyncIterator
from datetime import date
from decimal import Decimal
from pathlib import Path

import httpx
import procrastinate
import procrastinate.jobs
import psycopg
import pypdf
import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import OperationalError

from app import jobs
from app.billing import runner, tasks
from app.billing.models import BilledContractMonth, BillingRun, Invoice, InvoiceLine
from app.billing.schemas import BillingRunCreate
from app.billing.service import create_billing_run
from app.contracts.models import Contract
from app.db import database
from app.dbserver import libpq_dsn
from app.kit.audit import AuditRecord
from app.kit.dates import utc_today
from app.kit.locks import lock_client
from tests.fixtures.auth import auth_headers
from tests.fixtures.billing_factories import create_contract
from tests.fixtures.factories import create_client, create_offer

pytestmark = pytest.mark.concurrency

BACKEND_DIR = Path(__file__).resolve().parents[2]
JAN_1, JAN_31 = date(2026, 1, 1), date(2026, 1, 31)


async def _seed(clients: int, *, fee: str = "199.00") -> list[uuid.UUID]:
    """Committed clients with one mobile contract each (started long before January 2026)."""
    async with database.sessionmaker() as session, session.begin():
        offer = await create_offer(session, "mobile", monthly_fee=Decimal(fee), activation_fee=Decimal("50.00"))
        client_ids = []
        for _ in range(clients):
            client = await create_client(session)
            await create_contract(session, client, offer, start_date=date(2025, 1, 1))
            client_ids.append(client.id)
    return client_ids


async def _set_chunk_size(run_id: uuid.UUID, size: int) -> None:
    async with database.sessionmaker() as session, session.begin():
        await session.execute(
            text("UPDATE billing_runs SET chunk_size = :size WHERE id = :id"), {"size": size, "id": run_id}
        )


async def _run(run_id: uuid.UUID) -> BillingRun:
    async with database.sessionmaker() as session:
        run = await session.get(BillingRun, run_id)
        assert run is not None
        return run


async def _numbers() -> list[str]:
    async with database.sessionmaker() as session:
        return list(
            await session.scalars(
                select(Invoice.invoice_number)
                .where(Invoice.invoice_number.is_not(None))
                .order_by(Invoice.invoice_number)
            )
        )


def _expected_numbers(count: int) -> list[str]:
    year = utc_today().year
    return [f"FAC-{year}-{n:06d}" for n in range(1, count + 1)]


@pytest.fixture
async def worker_database(committed_database_url: str, database_url: str) -> AsyncIterator[str]:
    """The application's engine and the job app on a fresh committed database."""
    await database.dispose()
    database.configure(committed_database_url, pool_size=10)
    await jobs.open_job_app(committed_database_url, max_connections=6)
    try:
        yield committed_database_url
    finally:
        await jobs.close_job_app()
        await database.dispose()
        database.configure(database_url, pool_size=5)


class TestRunOnTheJobEngine:
    async def test_a_run_started_over_http_is_billed_and_rendered_by_workers(
        self, live_client: httpx.AsyncClient, committed_database_url: str
    ) -> None:
        client_ids = await _seed(5)
        await jobs.open_job_app(committed_database_url, max_connections=6)
        try:
            response = await live_client.post(
                "/api/v1/billing/runs",
                json={"period_start": "2026-01-01", "period_end": "2026-01-31"},
                headers=auth_headers("billing", **{"Idempotency-Key": "e2e"}),
            )
            assert response.status_code == 202, response.text
            run_id = uuid.UUID(response.json()["id"])
            await _set_chunk_size(run_id, 2)

            await jobs.drain(concurrency=2)
        finally:
            await jobs.close_job_app()

        run = (await live_client.get(f"/api/v1/billing/runs/{run_id}", headers=auth_headers("billing"))).json()
        assert (run["status"], run["chunks_total"], run["chunks_done"]) == ("completed", 3, 3)
        assert (run["invoices_count"], run["clients_processed"], run["pdfs_rendered"]) == (5, 5, 5)
        assert run["pdfs_ready"] is True
        assert run["pdfs_finished_at"] is not None
        assert run["total_amount"] == "1194.00"
        assert await _numbers() == _expected_numbers(5)
        invoices = (
            await live_client.get(
                "/api/v1/invoices", params={"client_id": str(client_ids[0])}, headers=auth_headers("billing")
            )
        ).json()["items"]
        [invoice] = invoices
        pdf = await live_client.get(f"/api/v1/invoices/{invoice['id']}/pdf", headers=auth_headers("billing"))
        assert pdf.status_code == 200
        page_text = pypdf.PdfReader(io.BytesIO(pdf.content)).pages[0].extract_text()
        assert invoice["invoice_number"] in page_text
        assert "238.80 MAD" in page_text


class TestConcurrentRuns:
    async def test_two_overlapping_runs_at_once_number_without_gaps_and_bill_no_day_twice(
        self, worker_database: str
    ) -> None:
        await _seed(8)
        async with database.sessionmaker() as session, session.begin():
            january = await create_billing_run(session, BillingRunCreate(period_start=JAN_1, period_end=JAN_31))
            overlapping = await create_billing_run(
                session, BillingRunCreate(period_start=date(2026, 1, 15), period_end=date(2026, 2, 14))
            )
            january.chunk_size = overlapping.chunk_size = 3
        for run_id in (january.id, overlapping.id):
            async with database.sessionmaker() as session, session.begin():
                await runner.plan_run(session, run_id)

        async def bill(run_id: uuid.UUID, chunk_index: int) -> None:
            async with database.sessionmaker() as session, session.begin():
                await runner.bill_chunk(session, run_id, chunk_index)

        # Every chunk of both runs at once, each in its own transaction: they cover the same clients.
        await asyncio.gather(*(bill(run_id, index) for index in range(3) for run_id in (january.id, overlapping.id)))

        assert (await _run(january.id)).status == "completed"
        assert (await _run(overlapping.id)).status == "completed"
        numbers = await _numbers()
        assert numbers == _expected_numbers(len(numbers))
        async with database.sessionmaker() as session:
            lines = (
                await session.execute(
                    select(
                        InvoiceLine.contract_id,
                        InvoiceLine.period_start,
                        InvoiceLine.period_end,
                        InvoiceLine.active_days,
                    )
                )
            ).all()
            contracts = list(await session.scalars(select(Contract.id)))
            months = list(await session.scalars(select(BilledContractMonth)))
        for contract_id in contracts:
            days = [
                day
                for line in lines
                if line.contract_id == contract_id
                for day in range(line.period_start.toordinal(), line.period_end.toordinal() + 1)
            ]
            # January 1-31 and February 1-14, each day exactly once, whichever run got there first
            assert sorted(days) == list(range(JAN_1.toordinal(), date(2026, 2, 14).toordinal() + 1))
            assert sum(line.active_days for line in lines if line.contract_id == contract_id) == 45
        assert sorted(m.days_mask for m in months) == sorted([2**31 - 1, 2**14 - 1] * len(contracts))

    async def test_the_idempotency_key_admits_one_run_under_concurrent_requests(
        self, live_client: httpx.AsyncClient
    ) -> None:
        headers = auth_headers("billing", **{"Idempotency-Key": "same-run"})
        body = {"period_start": "2026-01-01", "period_end": "2026-01-31"}

        responses = await asyncio.gather(
            *(live_client.post("/api/v1/billing/runs", json=body, headers=headers) for _ in range(4))
        )

        statuses = sorted(r.status_code for r in responses)
        assert statuses.count(202) >= 1
        assert set(statuses) <= {202, 409}
        async with database.sessionmaker() as session:
            assert await session.scalar(select(func.count()).select_from(BillingRun)) == 1


class TestDaysClaimedMeanwhile:
    async def test_days_claimed_by_another_transaction_mid_chunk_are_skipped_without_failing_the_chunk(
        self, worker_database: str
    ) -> None:
        first, second = await _seed(2)
        async with database.sessionmaker() as session, session.begin():
            run = await create_billing_run(session, BillingRunCreate(period_start=JAN_1, period_end=JAN_31))
        async with database.sessionmaker() as session, session.begin():
            await runner.plan_run(session, run.id)
            contract_id = await session.scalar(select(Contract.id).where(Contract.client_id == first))
        dsn = libpq_dsn(worker_database)

        async def bill_the_chunk() -> None:
            async with database.sessionmaker() as session, session.begin():
                await runner.bill_chunk(session, run.id, 0)

        # Another writer claims the first client's January after the chunk computed its lines: the chunk's
        # claim waits for it, then finds those days taken.
        with psycopg.connect(dsn) as other:
            other.execute(
                "INSERT INTO billed_contract_months (contract_id, billed_month, days_mask, last_billing_run_id) "
                "VALUES (%s, DATE '2026-01-01', %s, %s)",
                (contract_id, 2**31 - 1, uuid.uuid4()),
            )
            chunk = asyncio.create_task(bill_the_chunk())
            await _wait_for_backend_waiting_on("transactionid", dsn)
            other.commit()
        await chunk

        finished = await _run(run.id)
        assert (finished.status, finished.clients_failed, finished.invoices_count) == ("completed", 0, 1)
        async with database.sessionmaker() as session:
            invoiced = list(await session.scalars(select(Invoice.client_id).where(Invoice.billing_run_id == run.id)))
        assert invoiced == [second]
        assert await _numbers() == _expected_numbers(1)


class TestChunkOutOfAttempts:
    @staticmethod
    def _context(attempts: int) -> procrastinate.JobContext:
        job = procrastinate.jobs.Job(
            queue=tasks.QUEUE, lock=None, queueing_lock=None, task_name=tasks.CHUNK_TASK, attempts=attempts
        )
        return procrastinate.JobContext(app=jobs.job_app, job=job, start_timestamp=0.0, abort_reason=lambda: None)

    async def test_the_run_fails_only_after_the_last_attempt_and_its_other_chunks_then_stop(
        self, worker_database: str
    ) -> None:
        await _seed(2)
        async with database.sessionmaker() as session, session.begin():
            run = await create_billing_run(session, BillingRunCreate(period_start=JAN_1, period_end=JAN_31))
            run.chunk_size = 1
        async with database.sessionmaker() as session, session.begin():
            await runner.plan_run(session, run.id)
        error = OperationalError("SELECT 1", {}, Exception("server closed the connection unexpectedly"))

        await tasks._fail_run_after_last_attempt(self._context(tasks.MAX_ATTEMPTS - 2), str(run.id), error)
        assert (await _run(run.id)).status == "running"
        await tasks._fail_run_after_last_attempt(self._context(tasks.MAX_ATTEMPTS - 1), str(run.id), error)

        failed = await _run(run.id)
        assert failed.status == "failed"
        assert failed.error is not None
        assert "server closed the connection" in failed.error
        async with database.sessionmaker() as session, session.begin():
            outcome = await runner.bill_chunk(session, run.id, 1)
            audited = await session.scalar(
                select(func.count())
                .select_from(AuditRecord)
                .where(AuditRecord.entity_id == str(run.id), AuditRecord.action == "billing_run.failed")
            )
        assert outcome.billed is False
        assert audited == 1
        assert await _numbers() == []


class TestClientLock:
    async def test_a_chunk_waits_while_a_payment_holds_the_client_lock(self, worker_database: str) -> None:
        client_ids = await _seed(3)
        async with database.sessionmaker() as session, session.begin():
            run = await create_billing_run(session, BillingRunCreate(period_start=JAN_1, period_end=JAN_31))
        async with database.sessionmaker() as session, session.begin():
            await runner.plan_run(session, run.id)

        async def bill_first_chunk() -> None:
            async with database.sessionmaker() as session, session.begin():
                await runner.bill_chunk(session, run.id, 0)

        async with database.sessionmaker() as payment, payment.begin():
            await lock_client(payment, client_ids[1])
            chunk = asyncio.create_task(bill_first_chunk())
            await _wait_for_backend_waiting_on("advisory", libpq_dsn(worker_database))
            assert not chunk.done()
        await chunk

        assert (await _run(run.id)).invoices_count == 3


class TestWorkerCrash:
    async def test_a_worker_killed_mid_chunk_leaves_nothing_and_the_retried_chunk_bills_once(
        self, worker_database: str
    ) -> None:
        client_ids = await _seed(4)
        year = utc_today().year
        async with database.sessionmaker() as session, session.begin():
            run = await create_billing_run(session, BillingRunCreate(period_start=JAN_1, period_end=JAN_31))
            await session.execute(
                text("INSERT INTO invoice_number_counters (year, last_number) VALUES (:y, 0)"), {"y": year}
            )
        dsn = libpq_dsn(worker_database)

        # Hold the numbering lock: the worker's chunk writes its lines and billed days, then waits here.
        with psycopg.connect(dsn) as blocker:
            blocker.execute("SELECT 1 FROM invoice_number_counters WHERE year = %s FOR UPDATE", (year,))
            worker = subprocess.Popen(  # noqa: ASYNC220
                [sys.executable, "-m", "app.worker", "--once", "--concurrency", "1"],
                cwd=BACKEND_DIR,
                env={
                    **os.environ,
                    "MTF_DATABASE_URL": worker_database,
                    "MTF_ENVIRONMENT": "test",
                    "MTF_LOG_JSON": "false",
                },
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            try:
                await _wait_for_chunk_blocked_on_numbering(dsn)
            finally:
                worker.send_signal(signal.SIGKILL)
                worker.wait(timeout=10)
            blocker.rollback()

        await _wait_for_no_billing_transaction(dsn)
        async with database.sessionmaker() as session:
            # the killed chunk left nothing behind
            assert await session.scalar(select(func.count()).select_from(Invoice)) == 0
            assert await session.scalar(select(func.count()).select_from(InvoiceLine)) == 0
            assert await session.scalar(select(func.count()).select_from(BilledContractMonth)) == 0
        assert (await _run(run.id)).status == "running"

        assert await jobs.recover_stalled_jobs(seconds_since_heartbeat=0) == 1
        await jobs.drain(concurrency=2)

        finished = await _run(run.id)
        assert (finished.status, finished.invoices_count, finished.pdfs_ready) == ("completed", 4, True)
        async with database.sessionmaker() as session:
            per_client = (
                await session.execute(
                    select(Invoice.client_id, func.count())
                    .where(Invoice.billing_run_id == run.id)
                    .group_by(Invoice.client_id)
                )
            ).all()
        assert sorted(per_client) == sorted((client_id, 1) for client_id in client_ids)
        assert await _numbers() == _expected_numbers(4)


async def _wait_for_backend_waiting_on(wait_event: str, dsn: str) -> None:
    async with await psycopg.AsyncConnection.connect(dsn, autocommit=True) as conn:
        for _ in range(300):
            cursor = await conn.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND wait_event = %s "
                "AND datname = current_database() AND pid <> pg_backend_pid()",
                (wait_event,),
            )
            row = await cursor.fetchone()
            if row and row[0]:
                return
            await asyncio.sleep(0.05)
    raise AssertionError(f"no backend waits on a {wait_event} lock")


async def _wait_for_chunk_blocked_on_numbering(dsn: str) -> None:
    async with await psycopg.AsyncConnection.connect(dsn, autocommit=True) as conn:
        for _ in range(1200):  # up to 2 minutes: a loaded CI machine starts the worker process slowly
            cursor = await conn.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                "AND query LIKE '%invoice_number_counters%' AND datname = current_database() "
                "AND pid <> pg_backend_pid()"
            )
            row = await cursor.fetchone()
            if row and row[0]:
                return
            await asyncio.sleep(0.1)
    raise AssertionError("the worker never reached the numbering step")


async def _wait_for_no_billing_transaction(dsn: str) -> None:
    """The killed worker's server backend notices the lost client and rolls back."""
    async with await psycopg.AsyncConnection.connect(dsn, autocommit=True) as conn:
        for _ in range(100):
            cursor = await conn.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND pid <> pg_backend_pid() "
                "AND (state LIKE 'idle in transaction%' OR wait_event_type = 'Lock')"
            )
            row = await cursor.fetchone()
            if row and not row[0]:
                return
            await asyncio.sleep(0.1)
    raise AssertionError("the killed worker's transaction is still open")
