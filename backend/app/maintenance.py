"""Periodic housekeeping on the `maintenance` queue: expired idempotency keys and expired landing drafts.

Each job deletes in its own committed transaction, logs how many rows it removed and counts them in
`mtf_maintenance_purged_total{kind}`. Idempotency keys live `idempotency_retention_hours` (at least 24 h,
enforced by the settings) before they expire, so a client retrying within a day always gets its replay.
"""

from __future__ import annotations

import logging

from prometheus_client import Counter

from app.db import database
from app.jobs import job_app
from app.kit import idempotency
from app.landing import service as landing_service

logger = logging.getLogger(__name__)

PURGED = Counter("mtf_maintenance_purged_total", "Rows removed by housekeeping jobs", ["kind"])
PURGE_IDEMPOTENCY_KEYS = "maintenance.purge_idempotency_keys"
PURGE_LANDING_DRAFTS = "maintenance.purge_landing_drafts"


async def purge_idempotency_keys() -> int:
    """Delete the idempotency keys past their expiry; the number removed."""
    async with database.sessionmaker() as session, session.begin():
        removed = await idempotency.purge_expired(session)
    PURGED.labels("idempotency_key").inc(removed)
    logger.info("purged %d expired idempotency keys", removed)
    return removed


async def purge_landing_drafts() -> int:
    """Delete the landing drafts past their expiry (they hold personal data nobody asked us to keep)."""
    async with database.sessionmaker() as session, session.begin():
        removed = await landing_service.purge_expired_drafts(session)
    PURGED.labels("landing_draft").inc(removed)
    logger.info("purged %d expired landing drafts", removed)
    return removed


@job_app.periodic(cron="17 * * * *", periodic_id="maintenance-purge-idempotency-keys")
@job_app.task(name=PURGE_IDEMPOTENCY_KEYS, queue="maintenance", queueing_lock=PURGE_IDEMPOTENCY_KEYS)
async def purge_idempotency_keys_job(timestamp: int) -> None:
    await purge_idempotency_keys()


@job_app.periodic(cron="47 * * * *", periodic_id="maintenance-purge-landing-drafts")
@job_app.task(name=PURGE_LANDING_DRAFTS, queue="maintenance", queueing_lock=PURGE_LANDING_DRAFTS)
async def purge_landing_drafts_job(timestamp: int) -> None:
    await purge_landing_drafts()
