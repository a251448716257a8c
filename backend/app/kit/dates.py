"""The business date: every rule that says "today" (offers on sale, start dates, issue and due dates,
days past due) uses the UTC calendar date, like every timestamp of the platform."""

from __future__ import annotations

from datetime import UTC, date, datetime


def utc_today() -> date:
    """Today's business date (UTC)."""
    return datetime.now(UTC).date()
