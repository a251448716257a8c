"""Where a payment's time goes, one request at a time (issue 16): the API in process on a scratch database,
N payments through the ASGI app, each one's wall time split into the time its SQL statements took
(execution and round trip, timed around the driver's cursor) and everything else (Python: routing,
validation, ORM, serialisation, logging), with the statements of one payment listed. The API's own CPU time
per payment (the thread's CPU clock, which does not run while waiting for PostgreSQL or for other processes)
is printed too: on a shared machine it moves far less than the wall time.

    cd backend && .venv/bin/python benchmarks/payment_profile.py [--payments 300] [--tree]

The figures are per request with no contention: they say what one payment costs, not what 50 writers wait.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import time
import uuid
from pathlib import Path
from typing import Any

import httpx
import psycopg
from sqlalchemy import event

BENCH_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH_DIR))

from api_load import seed  # noqa: E402
from scratch import admin_url, create_scratch_database, drop_database  # noqa: E402

from app.auth.models import User  # noqa: E402
from app.auth.service import issue_access_token  # noqa: E402
from app.config import get_settings  # noqa: E402
from app.db import database  # noqa: E402
from app.dbserver import libpq_dsn  # noqa: E402


class StatementClock:
    """Counts and times every statement the app's engine sends, per request."""

    def __init__(self) -> None:
        self.statements: list[tuple[str, float]] = []
        self._started: dict[int, float] = {}

    def install(self, sync_engine: Any) -> None:
        event.listen(sync_engine, "before_cursor_execute", self._before)
        event.listen(sync_engine, "after_cursor_execute", self._after)

    def _before(self, conn: Any, cursor: Any, statement: str, *_: Any) -> None:
        self._started[id(cursor)] = time.perf_counter()

    def _after(self, conn: Any, cursor: Any, statement: str, *_: Any) -> None:
        took = time.perf_counter() - self._started.pop(id(cursor), time.perf_counter())
        self.statements.append((" ".join(statement.split())[:90], took))


async def profile(url: str, payers: list[str], count: int, tree: bool) -> None:
    database.configure(url, pool_size=2)
    from app.main import create_app

    app = create_app(get_settings(), manage_database=False)
    clock = StatementClock()
    clock.install(database.engine.sync_engine)
    token, _ = issue_access_token(
        get_settings(), User(username="bench-staff", roles=["operator", "collections"], token_version=0)
    )
    walls: list[float] = []
    cpus: list[float] = []
    sql: list[float] = []
    counts: list[int] = []
    sample: list[tuple[str, float]] = []
    profiler = None
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://bench") as http:
        for index in range(count + 20):
            clock.statements.clear()
            body = {"client_id": payers[index % len(payers)], "amount": "0.05", "method": "bank_transfer"}
            headers = {"Authorization": f"Bearer {token}", "Idempotency-Key": str(uuid.uuid4())}
            started, cpu_started = time.perf_counter(), time.thread_time()
            answer = await http.post("/api/v1/collections/payments", json=body, headers=headers)
            wall, cpu = time.perf_counter() - started, time.thread_time() - cpu_started
            if answer.status_code != 201:
                raise SystemExit(f"payment refused: {answer.status_code} {answer.text[:300]}")
            if index < 20:  # warm-up: caches, prepared plans, the pool's connections
                if index == 19 and tree:
                    from pyinstrument import Profiler

                    profiler = Profiler(async_mode="enabled", interval=0.0005)
                    profiler.start()
                continue
            walls.append(wall)
            cpus.append(cpu)
            sql.append(sum(took for _, took in clock.statements))
            counts.append(len(clock.statements))
            sample = list(clock.statements)
    await database.dispose()
    if profiler is not None:
        profiler.stop()
        print(profiler.output_text(unicode=False, color=False, show_all=False, timeline=False))

    def ms(values: list[float]) -> str:
        ordered = sorted(values)
        p95 = ordered[int(len(ordered) * 0.95)]
        return f"median {statistics.median(ordered) * 1000:6.2f} ms, p95 {p95 * 1000:6.2f} ms"

    python = [wall - db for wall, db in zip(walls, sql, strict=True)]
    print(f"{count} payments, one at a time, load average {os.getloadavg()[0]:.2f}")
    print(f"  wall per payment        {ms(walls)}  -> {1 / statistics.median(walls):,.0f} payments/s on one process")
    print(f"  SQL statements          {statistics.median(counts):.0f} per payment, {ms(sql)} in all")
    print(f"  everything else         {ms(python)}  (routing, validation, ORM, serialisation, logging)")
    print(f"  API CPU time            {ms(cpus)}  (this process only: the thread's CPU clock)")
    print("  the statements of the last payment:")
    for statement, took in sample:
        print(f"    {took * 1000:6.2f} ms  {statement}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--payments", type=int, default=300)
    parser.add_argument("--tree", action="store_true", help="also print pyinstrument's call tree of the payments")
    parser.add_argument("--admin-url", help="server to use (default: the app's own choice)")
    args = parser.parse_args()
    server = admin_url(args.admin_url)
    name = f"mtf_bench_pay_{uuid.uuid4().hex[:8]}"
    url = create_scratch_database(server, name)
    try:
        dsn = libpq_dsn(url)
        seed(dsn, 1000, 1000, 3000)
        with psycopg.connect(dsn) as conn:
            payers = [str(row[0]) for row in conn.execute("SELECT id FROM clients ORDER BY cin LIMIT 50")]
        asyncio.run(profile(url, payers, args.payments, args.tree))
    finally:
        drop_database(server, name)
    return 0


if __name__ == "__main__":
    sys.exit(main())
