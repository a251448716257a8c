"""Periodic housekeeping jobs on the maintenance queue purge what expired, log it and count it."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from app import maintenance
from app.db import database
from app.jobs import job_app
from app.kit.idempotency import IdempotencyRecord
from app.landing.models import LandingDraft


@pytest.fixture
async def committed_database(committed_database_url: str, database_url: str) -> AsyncIterator[None]:
    """The jobs open their own committed sessions: point the engine at a database of this test."""
    await database.dispose()
    database.configure(committed_database_url, pool_size=2)
    try:
        yield
    finally:
        await database.dispose()
        database.configure(database_url, pool_size=5)


def _key(name: str, expires_in: timedelta) -> IdempotencyRecord:
    return IdempotencyRecord(
        scope="clients-create:tester",
        key=name,
        request_hash="0" * 64,
        response_status=201,
        response_body={},
        created_at=datetime.now(UTC) - timedelta(hours=49),
        expires_at=datetime.now(UTC) + expires_in,
    )


def _draft(expires_in: timedelta) -> LandingDraft:
    created = datetime.now(UTC) - timedelta(days=8)
    return LandingDraft(status="open", answers={}, created_at=created, expires_at=datetime.now(UTC) + expires_in)


@pytest.mark.usefixtures("committed_database")
class TestPurges:
    async def test_expired_idempotency_keys_are_purged_counted_and_logged_the_live_ones_kept(
        self, caplog: pytest.LogCaptureFixture
    ) -> None:
        async with database.sessionmaker() as session, session.begin():
            session.add_all([_key("old-1", -timedelta(minutes=1)), _key("old-2", -timedelta(hours=3))])
            session.add(_key("live", timedelta(hours=1)))
        before = maintenance.PURGED.labels("idempotency_key")._value.get()
        with caplog.at_level(logging.INFO, logger="app.maintenance"):
            assert await maintenance.purge_idempotency_keys() == 2
        assert maintenance.PURGED.labels("idempotency_key")._value.get() == before + 2
        assert "purged 2 expired idempotency keys" in caplog.text
        async with database.sessionmaker() as session:
            assert list(await session.scalars(select(IdempotencyRecord.key))) == ["live"]

    async def test_expired_landing_drafts_are_purged_counted_and_logged_the_live_ones_kept(
        self, caplog: pytest.LogCaptureFixture
    ) -> None:
        async with database.sessionmaker() as session, session.begin():
            session.add_all([_draft(-timedelta(seconds=1)), _draft(timedelta(days=1))])
        with caplog.at_level(logging.INFO, logger="app.maintenance"):
            assert await maintenance.purge_landing_drafts() == 1
        assert "purged 1 expired landing drafts" in caplog.text
        async with database.sessionmaker() as session:
            assert await session.scalar(select(func.count()).select_from(LandingDraft)) == 1


def test_the_purges_are_periodic_jobs_of_the_maintenance_queue() -> None:
    for name in (maintenance.PURGE_IDEMPOTENCY_KEYS, maintenance.PURGE_LANDING_DRAFTS):
        assert job_app.tasks[name].queue == "maintenance"
    periodic = {task.task.name for task in job_app.periodic_registry.periodic_tasks.values()}
    assert {maintenance.PURGE_IDEMPOTENCY_KEYS, maintenance.PURGE_LANDING_DRAFTS} <= periodic
