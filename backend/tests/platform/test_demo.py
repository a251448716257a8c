"""`./launch_all.sh demo` at a small scale: the history lands (clients, contracts, billed months with PDFs,
payments, overdue invoices in every aging bucket) and a second load adds nothing.

Regression (issue 15): the loader failed on its first payment, 422 `received_before_client`: the replayed
history dated payments from July while the database stamped the client records with the real clock at load
time. The loader now dates its clients' records on their replayed day of creation (app.demo)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import psycopg
import pytest

from app import demo
from app.auth.service import ensure_bootstrap_admin
from app.config import get_settings
from app.db import database
from app.dbserver import libpq_dsn

COUNTED = ("clients", "contracts", "invoices", "invoice_documents", "payments", "collection_cases", "billing_runs")


def _counts(url: str) -> dict[str, int]:
    with psycopg.connect(libpq_dsn(url)) as conn:
        return {table: conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0] for table in COUNTED}  # type: ignore[index]


@pytest.fixture
async def demo_database(committed_database_url: str, database_url: str) -> AsyncIterator[str]:
    await database.dispose()
    database.configure(committed_database_url, pool_size=2)
    async with database.sessionmaker() as session, session.begin():
        await ensure_bootstrap_admin(session, get_settings())
    await database.dispose()
    yield committed_database_url
    database.configure(database_url, pool_size=5)


async def test_the_demo_makes_a_living_workspace_and_loads_once(demo_database: str) -> None:
    settings = get_settings()
    password = settings.bootstrap_admin_password.get_secret_value()
    overview = await demo.load(settings.bootstrap_admin_username, password, client_count=24, database_url=demo_database)
    buckets = {row["bucket"]: row["count"] for row in overview["overdue_by_aging_bucket"]}
    assert set(buckets) == {"0-30", "31-60", "61-90", "90+"}
    assert all(count > 0 for count in buckets.values()), buckets
    first = _counts(demo_database)
    assert first["clients"] == 24
    assert first["billing_runs"] == 6  # June .. November 2026
    assert first["invoices"] == first["invoice_documents"] > 0
    assert first["payments"] > 0
    assert first["collection_cases"] > 0

    await demo.load(settings.bootstrap_admin_username, password, client_count=24, database_url=demo_database)
    assert _counts(demo_database) == first
