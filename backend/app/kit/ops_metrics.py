"""Operational metrics beyond HTTP (spec 9): background jobs by queue, live workers, the DB pool.

Queue backlog and live workers are read from PostgreSQL when /metrics is scraped (the queue lives there, so
any API replica reports the same figures); job outcomes and durations are counted by the worker process
that ran them (its own /metrics on MTF_WORKER_METRICS_PORT). Billing figures live in app.billing.metrics.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from typing import Any

from prometheus_client import Counter, Gauge, Histogram
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

JOBS = Gauge(
    "mtf_jobs", "Jobs in the queue by queue and status (todo = backlog, failed = gave up)", ["queue", "status"]
)
OLDEST_TODO_SECONDS = Gauge("mtf_jobs_oldest_todo_seconds", "Age of the oldest job waiting, by queue", ["queue"])
WORKERS_ALIVE = Gauge("mtf_workers_alive", "Workers whose heartbeat is recent enough to be trusted")
JOBS_FINISHED = Counter("mtf_jobs_finished_total", "Jobs a worker finished", ["queue", "task", "outcome"])
JOB_DURATION = Histogram(
    "mtf_job_duration_seconds",
    "Job run time",
    ["queue", "task"],
    buckets=(0.05, 0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 900),
)
DB_POOL = Gauge("mtf_db_pool_connections", "Application DB pool connections by state", ["state"])

_STATUSES = ("todo", "doing", "failed", "cancelled", "aborting")


async def refresh(engine: AsyncEngine | None) -> None:
    """Bring the gauges up to date; called by /metrics before it renders."""
    if engine is None:
        return
    from app.jobs import STALLED_WORKER_SECONDS  # app.jobs imports this module for its middleware

    pool: Any = engine.sync_engine.pool
    if hasattr(pool, "checkedout"):
        DB_POOL.labels("checked_out").set(pool.checkedout())
        DB_POOL.labels("idle").set(pool.checkedin())
        DB_POOL.labels("overflow").set(max(pool.overflow(), 0))
        DB_POOL.labels("size").set(pool.size())
    async with engine.connect() as conn:
        has_queue = await conn.scalar(text("SELECT to_regclass('procrastinate_jobs') IS NOT NULL"))
        if not has_queue:
            return
        rows = await conn.execute(
            text(
                "SELECT queue_name, status::text, count(*), "
                "extract(epoch FROM now() - min(scheduled_at) FILTER (WHERE status = 'todo')) "
                "FROM procrastinate_jobs GROUP BY queue_name, status"
            )
        )
        seen: set[tuple[str, str]] = set()
        for queue, status, count, oldest in rows:
            JOBS.labels(queue, status).set(count)
            seen.add((queue, status))
            if status == "todo":
                OLDEST_TODO_SECONDS.labels(queue).set(float(oldest or 0))
        # A queue that emptied must read 0, not its last value.
        for metric in JOBS.collect():
            for sample in metric.samples:
                key = (sample.labels["queue"], sample.labels["status"])
                if key not in seen:
                    JOBS.labels(*key).set(0)
                    if key[1] == "todo":
                        OLDEST_TODO_SECONDS.labels(key[0]).set(0)
        alive = await conn.scalar(
            text("SELECT count(*) FROM procrastinate_workers WHERE last_heartbeat > now() - make_interval(secs => :s)"),
            {"s": STALLED_WORKER_SECONDS},
        )
        WORKERS_ALIVE.set(alive or 0)


async def count_job_outcome(call_next: Callable[[], Awaitable[Any]], context: Any, worker: Any) -> Any:
    """Procrastinate worker middleware: duration and outcome of every job."""
    job = context.job
    started = time.perf_counter()
    outcome = "failed"
    try:
        result = await call_next()
        outcome = "succeeded"
        return result
    finally:
        JOB_DURATION.labels(job.queue, job.task_name).observe(time.perf_counter() - started)
        JOBS_FINISHED.labels(job.queue, job.task_name, outcome).inc()
