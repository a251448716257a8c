"""Background jobs of collections: the daily evaluation (overdue invoices, cases, delinquency, dunning)."""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime

import procrastinate

from app.collections.cases import EvaluationSummary, evaluate_collections
from app.collections.exceptions import EvaluationBeforeLastDay, EvaluationInProgress
from app.db import database
from app.jobs import job_app

logger = logging.getLogger(__name__)

DAILY_EVALUATION = "collections.daily_evaluation"


async def run_evaluation(as_of: date) -> EvaluationSummary | None:
    """One evaluation in its own committed transaction; None when another evaluation holds the lock."""
    try:
        async with database.sessionmaker() as session, session.begin():
            return await evaluate_collections(session, as_of)
    except EvaluationInProgress:
        logger.info("collections evaluation for %s skipped: another evaluation is running", as_of)
        return None
    except EvaluationBeforeLastDay as exc:
        logger.warning("collections evaluation for %s skipped: %s", as_of, exc.message)
        return None


# Early morning, after the night's billing and before agents start: the day's reminders are ready.
@job_app.periodic(cron="30 1 * * *", periodic_id="collections-daily-evaluation")
@job_app.task(
    name=DAILY_EVALUATION,
    queue="collections",
    queueing_lock=DAILY_EVALUATION,
    # A transient failure (deadlock, lost connection) retries; re-running a day changes nothing twice.
    retry=procrastinate.RetryStrategy(max_attempts=3, wait=60),
)
async def daily_evaluation(timestamp: int) -> None:
    await run_evaluation(datetime.fromtimestamp(timestamp, UTC).date())
