"""Landing tests start with empty rate-limit counters and generous budgets (one test class lowers them)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from app.config import get_settings
from app.kit.ratelimit import limiter


@pytest.fixture(autouse=True)
async def fresh_rate_limits(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[None]:
    """No counter leaks from one test to the next; verify-cin does not pad its answer time unless asked."""
    await limiter.reset()
    monkeypatch.setattr(get_settings(), "landing_verify_cin_min_seconds", 0.0)
    # Tests adding several lines to one CIN in a day; tests/landing/test_hardening.py keeps the default of 1.
    monkeypatch.setattr(get_settings(), "landing_max_lines_per_cin_per_day", 20)
    yield
    await limiter.reset()
