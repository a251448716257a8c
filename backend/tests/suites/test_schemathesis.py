"""Schemathesis against the app's own OpenAPI, over HTTP to a real server: every operation, a fixed budget
of generated requests (fixed seed), and no 5xx, no answer outside its schema, no undocumented status code.

Run alone: `pytest -m fuzz`. The budget is MAX_EXAMPLES per operation (docs/reliability.md has the figures)."""

from __future__ import annotations

import os
from collections.abc import Iterator

import hypothesis
import pytest
import requests
import schemathesis
from schemathesis import checks

from app.main import create_app
from tests.fixtures.auth import token_for
from tests.suites.conftest import LiveServer

pytestmark = pytest.mark.fuzz
# A deeper search locally: MTF_FUZZ_EXAMPLES=250 (docs/reliability.md); CI keeps the small fixed budget.
MAX_EXAMPLES = int(os.environ.get("MTF_FUZZ_EXAMPLES", "6"))
SEED = 20261201
CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_schema_conformance,
]


@pytest.fixture(scope="module")
def http(live_server: LiveServer) -> Iterator[requests.Session]:
    with requests.Session() as session:
        yield session


# The document the running app serves (a test elsewhere proves it equals the committed copy).
schema = schemathesis.openapi.from_dict(create_app(manage_database=False).openapi())


@schema.parametrize()
@hypothesis.settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(hypothesis.HealthCheck),
    # Generated cases only: the explicit phase would add schemathesis' unbounded coverage cases.
    phases=[hypothesis.Phase.generate],
)
@hypothesis.seed(SEED)
def test_every_operation_answers_within_its_contract(
    case: schemathesis.Case, live_server: LiveServer, http: requests.Session
) -> None:
    # An admin token: the deepest path through every staff operation (the matrix suite covers the others).
    headers = {"Authorization": f"Bearer {token_for('admin')}"}
    case.call_and_validate(base_url=live_server.base_url, session=http, headers=headers, checks=CHECKS, timeout=30)
