from __future__ import annotations

import os

os.environ["MTF_ENVIRONMENT"] = "test"
os.environ.setdefault("MTF_LOG_JSON", "false")

pytest_plugins = [
    "tests.fixtures.database",
    "tests.fixtures.client",
]


def pytest_configure() -> None:
    from app.kit.logging import install_masking_filter

    install_masking_filter()
