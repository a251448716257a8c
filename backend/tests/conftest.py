from __future__ import annotations

import os
from collections.abc import AsyncIterator

import pytest

os.environ["MTF_ENVIRONMENT"] = "test"
os.environ.setdefault("MTF_LOG_JSON", "false")
# The API's tests run without the SPA build; tests/platform/test_frontend.py serves one of its own.
os.environ["MTF_FRONTEND_DIST"] = ""

pytest_plugins = [
    "tests.fixtures.error_codes",
    "tests.fixtures.database",
    "tests.fixtures.client",
]


def pytest_configure() -> None:
    from app.kit.logging import install_masking_filter
    from app.wiring import wire

    install_masking_filter()
    # Services are called without the app in many tests: wire the modules as create_app and the worker do.
    wire()


@pytest.fixture(autouse=True)
async def fresh_rate_limits() -> AsyncIterator[None]:
    """Rate-limit counters never leak from one test to the next."""
    from app.kit.ratelimit import limiter

    await limiter.reset()
    yield
    await limiter.reset()
