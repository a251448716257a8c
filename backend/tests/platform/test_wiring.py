"""The module wiring fails closed: one explicit place (app.wiring) that the API and the worker call."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

from app.config import REPO_ROOT
from app.wiring import EXPECTED, EXPECTED_CONSTRAINTS

BACKEND = REPO_ROOT / "backend"


def _python(code: str, *args: str) -> subprocess.CompletedProcess[str]:
    """A fresh interpreter, so nothing this test process registered can hide a missing registration."""
    env = {**os.environ, "MTF_ENVIRONMENT": "test"}
    command = [sys.executable, *(["-c", textwrap.dedent(code)] if code else []), *args]
    return subprocess.run(command, cwd=BACKEND, env=env, capture_output=True, text=True, timeout=300, check=False)  # noqa: S603 (our own interpreter and code)


class TestWorkerWiring:
    def test_the_worker_wiring_on_its_own_completes_every_registry_and_loads_every_task(self) -> None:
        result = _python(
            """
            import json
            from app.worker import wire_worker
            from app import jobs
            report = wire_worker()
            print(json.dumps({
                "registries": {name: sorted(kinds) for name, kinds in report.registries.items()},
                "constraints": sorted(report.constraints),
                "tasks": sorted(jobs.job_app.tasks),
            }))
            """
        )
        assert result.returncode == 0, result.stderr
        wired = json.loads(result.stdout.strip().splitlines()[-1])
        assert wired["registries"] == {name: sorted(kinds) for name, kinds in EXPECTED.items()}
        assert set(wired["constraints"]) >= EXPECTED_CONSTRAINTS
        assert {
            "billing.plan_run",
            "collections.daily_evaluation",
            "maintenance.purge_idempotency_keys",
            "maintenance.purge_landing_drafts",
            "jobs.recover_stalled",
        } <= set(wired["tasks"])

    def test_a_module_that_does_not_register_stops_the_start_up(self) -> None:
        result = _python(
            """
            from app.collections import wiring
            wiring.wire = lambda: None  # as if collections had forgotten its registrations
            from app.worker import wire_worker
            wire_worker()
            """
        )
        assert result.returncode != 0
        assert "WiringIncomplete: client history: missing collection_case, payment" in result.stderr

    def test_a_registry_read_before_the_wiring_raises_instead_of_answering_no_history(self) -> None:
        result = _python(
            """
            import asyncio, uuid
            from app.customers import history
            asyncio.run(history.client_history(None, uuid.uuid4()))
            """
        )
        assert result.returncode != 0
        assert "RegistryNotWired: the client history registry is read before app.wiring.wire()" in result.stderr

    def test_the_api_wires_the_same_way(self) -> None:
        result = _python(
            """
            from app.main import create_app
            from app.customers import history
            create_app(manage_database=False)
            print(sorted(history.client_history_checks.kinds()))
            """
        )
        assert result.returncode == 0, result.stderr
        assert result.stdout.strip() == str(sorted(EXPECTED["client history"]))


class TestWorkerEntryPoints:
    def test_python_m_app_worker_starts(self) -> None:
        result = _python("", "-m", "app.worker", "--help")
        assert result.returncode == 0, result.stderr
        assert "usage: mtf-worker" in result.stdout

    def test_the_worker_file_run_directly_is_not_confused_by_the_collections_module(self) -> None:
        result = _python("", "app/worker.py", "--help")
        assert result.returncode == 0, result.stderr
        assert "usage: mtf-worker" in result.stdout
