"""The shared background job engine: one Procrastinate app on the application's PostgreSQL.

Why PostgreSQL and not RabbitMQ: docs/decisions/0005-jobs-on-postgresql.md. The queue's schema is made by
migration 0005 (never at runtime).

How a module registers its jobs (e.g. app/collections/tasks.py):

    from app.db import database
    from app.jobs import job_app

    @job_app.periodic(cron="15 2 * * *", periodic_id="collections-daily-sweep")
    @job_app.task(name="collections.daily_sweep", queue="collections", queueing_lock="collections.daily_sweep")
    async def daily_sweep(timestamp: int) -> None:
        async with database.sessionmaker() as session, session.begin():
            ...  # one transaction per unit of work; re-running it must not duplicate anything

and is listed in TASK_MODULES below so that every worker imports it. To enqueue a job as part of a write,
call `await enqueue(session, "collections.x", queue="collections", args={...})` with the request's session:
the job row is inserted in that transaction, so a rolled-back request leaves no job behind (never use
`task.defer_async()` for that, which commits on its own connection).
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import json
import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import procrastinate
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from app.dbserver import libpq_dsn
from app.kit.ops_metrics import count_job_outcome
from app.kit.tracing import job_span

logger = logging.getLogger(__name__)

# Modules whose import registers tasks; a missing one stops the worker at start-up (app.worker.wire_worker).
TASK_MODULES = ("app.billing.tasks", "app.collections.tasks", "app.maintenance", "app.webhooks.tasks")

# A worker that stopped sending heartbeats for this long is considered dead; its running jobs are retried.
STALLED_WORKER_SECONDS = 60.0


job_app = procrastinate.App(connector=procrastinate.PsycopgConnector(), import_paths=list(TASK_MODULES))


def load_task_modules() -> set[str]:
    """Import every task module (an import error stops the caller) and return the registered task names."""
    for module in TASK_MODULES:
        importlib.import_module(module)
    return set(job_app.tasks)


_open = False


async def open_job_app(database_url: str, *, max_connections: int = 4) -> None:
    """Connect the job app to the application's database (idempotent)."""
    global _open
    if _open:
        return
    # A fresh connector each time: a closed one keeps its closed pool and cannot be reopened.
    connector = procrastinate.PsycopgConnector(conninfo=libpq_dsn(database_url), min_size=1, max_size=max_connections)
    job_app.connector = connector
    job_app.job_manager.connector = connector
    await job_app.open_async()
    _open = True


async def close_job_app() -> None:
    """Disconnect the job app (idempotent)."""
    global _open
    if not _open:
        return
    try:
        await job_app.close_async()
    finally:
        # Even when closing fails (a pool broken by an outage): left "open", the next open_job_app would
        # keep the dead connector and every restart of the worker would fail on it.
        _open = False


async def enqueue(
    session: AsyncSession,
    task_name: str,
    *,
    queue: str,
    args: dict[str, Any],
    priority: int = 0,
    lock: str | None = None,
    queueing_lock: str | None = None,
    scheduled_at: datetime | None = None,
) -> int:
    """Insert a job in the caller's transaction; it becomes visible to workers when that transaction commits."""
    job_id = await session.scalar(
        text(
            "SELECT unnest(procrastinate_defer_jobs_v1(ARRAY[ROW(CAST(:queue AS varchar), CAST(:task AS varchar), "
            "CAST(:priority AS int), CAST(:lock AS text), CAST(:queueing_lock AS text), CAST(:args AS jsonb), "
            "CAST(:scheduled_at AS timestamptz))::procrastinate_job_to_defer_v1]))"
        ),
        {
            "queue": queue,
            "task": task_name,
            "priority": priority,
            "lock": lock,
            "queueing_lock": queueing_lock,
            "args": json.dumps(args),
            "scheduled_at": scheduled_at,
        },
    )
    return int(job_id)


async def enqueue_many(
    session: AsyncSession, task_name: str, *, queue: str, args_list: list[dict[str, Any]], priority: int = 0
) -> int:
    """Insert one job per element of `args_list` in the caller's transaction, in one statement."""
    if not args_list:
        return 0
    count = await session.scalar(
        text(
            "SELECT cardinality(procrastinate_defer_jobs_v1(ARRAY("
            "SELECT ROW(CAST(:queue AS varchar), CAST(:task AS varchar), CAST(:priority AS int), NULL::text, "
            "NULL::text, job_args, NULL::timestamptz)::procrastinate_job_to_defer_v1 "
            "FROM jsonb_array_elements(CAST(:args AS jsonb)) WITH ORDINALITY AS a(job_args, position) "
            "ORDER BY position)))"
        ),
        {"queue": queue, "task": task_name, "priority": priority, "args": json.dumps(args_list)},
    )
    return int(count or 0)


async def recover_stalled_jobs(seconds_since_heartbeat: float = STALLED_WORKER_SECONDS) -> int:
    """Put back in the queue the jobs of workers that died mid-job (their transactions were rolled back)."""
    await job_app.job_manager.prune_stalled_workers(seconds_since_heartbeat)
    stalled = list(await job_app.job_manager.get_stalled_jobs(seconds_since_heartbeat=seconds_since_heartbeat))
    for job in stalled:
        logger.warning("retrying job %s (%s) of a dead worker", job.id, job.task_name)
        await job_app.job_manager.retry_job(job)
    return len(stalled)


@job_app.periodic(cron="* * * * *", periodic_id="jobs-recover-stalled")
@job_app.task(name="jobs.recover_stalled", queue="maintenance", queueing_lock="jobs.recover_stalled")
async def recover_stalled(timestamp: int) -> None:
    await recover_stalled_jobs()


async def run_worker(
    *,
    concurrency: int = 2,
    wait: bool = True,
    queues: list[str] | None = None,
    install_signal_handlers: bool = False,
    name: str | None = None,
) -> None:
    """Process jobs until cancelled (wait=True) or until the queues are empty (wait=False)."""
    options: procrastinate.app.WorkerOptions = {
        "concurrency": concurrency,
        "wait": wait,
        "install_signal_handlers": install_signal_handlers,
        "name": name or "mtf-worker",
        "delete_jobs": "successful",
        "stalled_worker_timeout": STALLED_WORKER_SECONDS,
        "update_heartbeat_interval": 10,
        # On stop, running jobs get this long to commit; the rest are cancelled (rolled back) and retried.
        "shutdown_graceful_timeout": 30,
    }
    if queues:
        options["queues"] = queues
    options["worker_middleware"] = [job_span, count_job_outcome]
    await job_app.run_worker_async(**options)


async def drain(*, concurrency: int = 1, max_rounds: int = 100) -> None:
    """Run workers until no job is waiting (jobs enqueued by jobs included); for tests and scripts."""
    for _ in range(max_rounds):
        await run_worker(concurrency=concurrency, wait=False)
        if not await _jobs_waiting():
            return
    raise RuntimeError("job queue did not drain")


async def _jobs_waiting() -> bool:
    row = await job_app.connector.execute_query_one_async(
        "SELECT EXISTS (SELECT 1 FROM procrastinate_jobs WHERE status = 'todo' "
        "AND (scheduled_at IS NULL OR scheduled_at <= now())) AS waiting"
    )
    return bool(row["waiting"])


@dataclass
class WorkerState:
    """What /health/ready says about the in-process worker (only where one is expected)."""

    expected: bool = False
    running: bool = False
    restarts: int = 0
    last_error: str | None = None

    def report(self) -> dict[str, Any]:
        return {"status": "running" if self.running else "restarting", "restarts": self.restarts}


worker_state = WorkerState()
# Back-off between restarts of a worker that stopped (e.g. procrastinate's "Database error, stopping worker").
RESTART_BACKOFF_SECONDS = (0.5, 1.0, 2.0, 5.0, 10.0)
# A worker that ran this long before stopping was healthy: its stop starts a new outage, so the back-off
# starts again from its first step instead of the longest one a past outage reached.
HEALTHY_RUN_SECONDS = 60.0


async def supervise_worker(
    database_url: str,
    concurrency: int,
    *,
    backoff: tuple[float, ...] = RESTART_BACKOFF_SECONDS,
    healthy_after: float = HEALTHY_RUN_SECONDS,
) -> None:
    """Run the in-process worker until cancelled, restarting it (with back-off) whenever it stops.

    procrastinate stops a worker for good on a database error; without this, one outage would leave billing
    runs `queued` forever while the API looks healthy."""
    loop = asyncio.get_running_loop()
    attempt = 0
    while True:
        started = loop.time()
        try:
            await open_job_app(database_url, max_connections=concurrency + 2)
            worker_state.running = True
            await run_worker(concurrency=concurrency, name="in-process")
            worker_state.last_error = "the worker stopped"
        except asyncio.CancelledError:
            worker_state.running = False
            raise
        except Exception as exc:
            worker_state.last_error = type(exc).__name__
            logger.warning("in-process worker stopped (%s); restarting", type(exc).__name__)
        worker_state.running = False
        with contextlib.suppress(Exception):
            await close_job_app()
        if loop.time() - started >= healthy_after:
            attempt = 0
        await asyncio.sleep(backoff[min(attempt, len(backoff) - 1)])
        attempt += 1
        worker_state.restarts += 1


async def start_worker_for(database_url: str, concurrency: int) -> asyncio.Task[None]:
    """The local default: a supervised worker inside the API process, on the API's database."""
    await open_job_app(database_url, max_connections=concurrency + 2)
    worker_state.expected = True
    worker_state.running = True
    return asyncio.create_task(supervise_worker(database_url, concurrency), name="mtf-in-process-worker")


async def stop_worker(worker: asyncio.Task[None]) -> None:
    """Stop taking jobs, let the running ones finish (procrastinate's graceful stop), then disconnect."""
    worker.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await worker
    worker_state.expected = False
    worker_state.running = False
    await close_job_app()
