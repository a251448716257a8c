"""The business date: every rule that says "today" (offers on sale, start dates, issue and due dates,
days past due) uses the UTC calendar date, like every timestamp of the platform."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, date, datetime

# Set only by `business_day` (the demo loader replays months of history day by day); unset everywhere
# else, so the API and the workers always live on the real calendar.
_simulated_today: ContextVar[date | None] = ContextVar("simulated_business_day", default=None)


def utc_today() -> date:
    """Today's business date (UTC)."""
    simulated = _simulated_today.get()
    return simulated if simulated is not None else datetime.now(UTC).date()


@contextmanager
def business_day(day: date) -> Iterator[None]:
    """Within the block (this task and the tasks it starts), the business date is `day`."""
    token = _simulated_today.set(day)
    try:
        yield
    finally:
        _simulated_today.reset(token)
