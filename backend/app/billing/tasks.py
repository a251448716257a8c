"""Billing jobs: plan a run, bill its chunks (one transaction each), render its PDFs.

Each job opens its own session and commits it. A job killed mid-way leaves nothing half-written (its
transaction is rolled back by the server) and is retried: a billed chunk is marked done in the same
transaction as its invoices, so a retry of a finished chunk does nothing.
"""

from __future__ import annotations

import logging
import uuid

import procrastinate
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.billing import metrics, runner
from app.billing.documents import render_pdf_batch
from app.billing.models import BillingRun, BillingRunChunk
from app.config import get_settings
from app.db import database
from app.jobs import enqueue, enqueue_many, job_app

logger = logging.getLogger(__name__)

QUEUE = "billing"
PLAN_TASK = "billing.plan_run"
CHUNK_TASK = "billing.bill_chunk"
PDF_TASK = "billing.render_pdfs"
# Invoicing first: a worker takes chunk jobs before PDF jobs when both are waiting.
CHUNK_PRIORITY = 10
PDF_PRIORITY = 0
MAX_ATTEMPTS = 5
_RETRY = procrastinate.RetryStrategy(max_attempts=MAX_ATTEMPTS, exponential_wait=2)


async def enqueue_run(session: AsyncSession, run_id: uuid.UUID) -> None:
    """Enqueue the planning job of a new run in the caller's transaction."""
    await enqueue(session, PLAN_TASK, queue=QUEUE, args={"run_id": str(run_id)}, priority=CHUNK_PRIORITY)


@job_app.task(name=PLAN_TASK, queue=QUEUE, retry=_RETRY, pass_context=True)
async def plan_run(context: procrastinate.JobContext, run_id: str) -> None:
    try:
        async with database.sessionmaker() as session, session.begin():
            if await runner.plan_run(session, uuid.UUID(run_id)):
                chunks = await runner.pending_chunks(session, uuid.UUID(run_id))
                await enqueue_many(
                    session,
                    CHUNK_TASK,
                    queue=QUEUE,
                    args_list=[{"run_id": run_id, "chunk_index": index} for index in chunks],
                    priority=CHUNK_PRIORITY,
                )
    except Exception as exc:
        await _fail_run_after_last_attempt(context, run_id, exc)
        raise


@job_app.task(name=CHUNK_TASK, queue=QUEUE, retry=_RETRY, pass_context=True)
async def bill_chunk(context: procrastinate.JobContext, run_id: str, chunk_index: int) -> None:
    try:
        async with database.sessionmaker() as session, session.begin():
            outcome = await runner.bill_chunk(session, uuid.UUID(run_id), chunk_index)
            if outcome.run_finished:
                await enqueue_pdf_jobs(session, uuid.UUID(run_id))
    except Exception as exc:
        metrics.CHUNK_FAILURES.inc()
        await _fail_run_after_last_attempt(context, run_id, exc)
        raise


async def enqueue_pdf_jobs(session: AsyncSession, run_id: uuid.UUID) -> int:
    """One PDF job per chunk that issued invoices, enqueued with the transaction that finished the run."""
    run = await session.get(BillingRun, run_id)
    if run is None or run.dry_run:
        return 0
    chunks = await session.scalars(
        select(BillingRunChunk.chunk_index)
        .where(BillingRunChunk.billing_run_id == run_id, BillingRunChunk.invoices_count > 0)
        .order_by(BillingRunChunk.chunk_index)
    )
    return await enqueue_many(
        session,
        PDF_TASK,
        queue=QUEUE,
        args_list=[{"run_id": str(run_id), "chunk_index": index} for index in chunks],
        priority=PDF_PRIORITY,
    )


@job_app.task(name=PDF_TASK, queue=QUEUE, retry=_RETRY)
async def render_pdfs(run_id: str, chunk_index: int) -> None:
    batch_size = get_settings().billing_pdf_batch_size
    while True:
        async with database.sessionmaker() as session, session.begin():
            rendered = await render_pdf_batch(session, uuid.UUID(run_id), chunk_index, limit=batch_size)
        if rendered == 0:
            return


async def _fail_run_after_last_attempt(context: procrastinate.JobContext, run_id: str, exc: Exception) -> None:
    attempts = (context.job.attempts if context.job else 0) + 1
    logger.warning("billing job for run %s failed (attempt %s/%s): %s", run_id, attempts, MAX_ATTEMPTS, exc)
    if attempts < MAX_ATTEMPTS:
        return
    async with database.sessionmaker() as session, session.begin():
        await runner.fail_run(session, uuid.UUID(run_id), f"{type(exc).__name__}: {exc}")
