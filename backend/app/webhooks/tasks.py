"""The webhook dispatcher job: every minute, on its own queue so slow receivers never delay billing."""

from __future__ import annotations

from app.jobs import job_app
from app.webhooks import service

DISPATCH = "webhooks.dispatch"


@job_app.periodic(cron="* * * * *", periodic_id="webhooks-dispatch")
@job_app.task(name=DISPATCH, queue="webhooks", queueing_lock=DISPATCH)
async def dispatch(timestamp: int) -> None:
    await service.dispatch()
