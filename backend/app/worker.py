"""`mtf-worker` (or `python -m app.worker`): a standalone background worker (production runs as many as
the load needs, anywhere).

It wires the modules exactly as the API does (app.wiring), imports every task module, resolves the
database like the API does, connects the SQLAlchemy engine the jobs use and the Procrastinate app, and
processes every queue until SIGINT/SIGTERM (running jobs get time to commit).
"""

from __future__ import annotations

import os
import sys

if not __package__:
    # Run as a file (`python app/worker.py`), Python puts app/ first on sys.path, where app/collections
    # would shadow the standard library's collections: put the backend directory there instead.
    _here = os.path.dirname(os.path.abspath(__file__))
    if sys.path and os.path.abspath(sys.path[0] or os.curdir) == _here:
        sys.path[0] = os.path.dirname(_here)

import argparse
import asyncio
import logging

from app import jobs, wiring
from app.config import get_settings
from app.db import database
from app.dbserver import resolve_database_url
from app.kit.logging import configure_logging, install_masking_filter

logger = logging.getLogger(__name__)


def wire_worker() -> wiring.WiringReport:
    """The worker's start-up wiring: every module's registrations (as the API) and every task module."""
    report = wiring.wire()
    jobs.load_task_modules()
    return report


async def serve(*, concurrency: int, queues: list[str] | None, name: str | None, wait: bool) -> None:
    wire_worker()
    settings = get_settings()
    url = resolve_database_url(settings)
    database.configure(url, pool_size=concurrency + 1)
    await jobs.open_job_app(url, max_connections=concurrency + 2)
    try:
        await jobs.run_worker(
            concurrency=concurrency, wait=wait, queues=queues, name=name, install_signal_handlers=True
        )
    finally:
        await jobs.close_job_app()
        await database.dispose()


def main(argv: list[str] | None = None) -> int:
    settings = get_settings()
    parser = argparse.ArgumentParser(prog="mtf-worker", description="Process MT-Facturation background jobs.")
    parser.add_argument("--concurrency", type=int, default=settings.worker_concurrency, help="jobs run at once")
    parser.add_argument("--queue", action="append", dest="queues", help="only these queues (repeatable)")
    parser.add_argument("--name", default=None, help="worker name shown in logs")
    parser.add_argument("--once", action="store_true", help="stop when the queues are empty")
    args = parser.parse_args(argv)

    configure_logging(settings.log_level, json_output=settings.log_json)
    install_masking_filter()
    if settings.worker_metrics_port:
        from prometheus_client import start_http_server

        start_http_server(settings.worker_metrics_port)
        logger.info("worker metrics on port %s", settings.worker_metrics_port)
    asyncio.run(serve(concurrency=args.concurrency, queues=args.queues, name=args.name, wait=not args.once))
    return 0


if __name__ == "__main__":
    sys.exit(main())
