"""OpenTelemetry: off by default, on with the standard variables; spans for a request, its SQLAlchemy and
psycopg queries and a Procrastinate job, all caught by the in-memory exporter in a separate process (the
tracer provider and the instrumentation are process-wide, so they must not leak into other tests)."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import textwrap
from typing import Any

import pytest

from app.config import REPO_ROOT
from app.kit import tracing
from app.kit.logging import JsonFormatter


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({}, False),
        ({"OTEL_SERVICE_NAME": "mtf"}, False),
        ({"OTEL_TRACES_EXPORTER": "none"}, False),
        ({"OTEL_EXPORTER_OTLP_ENDPOINT": "http://collector:4318"}, True),
        ({"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": "http://collector:4318/v1/traces"}, True),
        ({"OTEL_TRACES_EXPORTER": "otlp"}, True),
        ({"OTEL_EXPORTER_OTLP_ENDPOINT": "http://collector:4318", "OTEL_SDK_DISABLED": "true"}, False),
    ],
)
def test_tracing_is_switched_by_the_standard_variables(environ: dict[str, str], expected: bool) -> None:
    assert tracing.tracing_requested(environ) is expected


def test_log_lines_carry_no_trace_ids_when_not_tracing() -> None:
    line = json.loads(JsonFormatter().format(logging.makeLogRecord({"msg": "hello"})))
    assert "trace_id" not in line


SCRIPT = textwrap.dedent(
    """
    import asyncio, json, logging, sys
    import httpx
    from opentelemetry.sdk.trace.export import SimpleSpanProcessor
    from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
    from app.kit import tracing

    exporter = InMemorySpanExporter()
    provider = tracing.configure(exporter, processor=SimpleSpanProcessor(exporter))

    from app import jobs
    from app.db import database
    from app.kit.logging import JsonFormatter
    from app.main import create_app
    from tests.fixtures.auth import auth_headers

    lines = []
    class Capture(logging.Handler):
        def emit(self, record):
            lines.append(json.loads(JsonFormatter().format(record)))

    async def main():
        url = sys.argv[1]
        database.configure(url, pool_size=2)
        app = create_app(manage_database=False)
        tracing.install_tracing(app, provider)
        logging.getLogger("probe").addHandler(Capture())
        logging.getLogger("probe").setLevel(logging.INFO)

        @app.get("/probe-log")
        async def probe_log():
            logging.getLogger("probe").info("inside a request")
            return {}

        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as http:
            assert (await http.get("/api/v1/offer-categories", headers=auth_headers("operator"))).status_code == 200
            await http.get("/probe-log")
        await jobs.open_job_app(url, max_connections=3)
        deferred = await jobs.recover_stalled.defer_async(timestamp=0)
        await jobs.drain()
        await jobs.close_job_app()
        await database.dispose()
        return deferred

    deferred = asyncio.run(main())
    spans = [
        {
            "name": s.name,
            "id": s.context.span_id,
            "trace": s.context.trace_id,
            "parent": s.parent.span_id if s.parent else None,
            "scope": s.instrumentation_scope.name,
            "attributes": {k: str(v) for k, v in s.attributes.items()},
        }
        for s in exporter.get_finished_spans()
    ]
    print(json.dumps({"spans": spans, "logs": lines, "deferred": deferred}))
    """
)


@pytest.fixture(scope="module")
def traced(committed_database_url: str) -> dict[str, Any]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("OTEL_")}
    env["PYTHONPATH"] = str(REPO_ROOT / "backend")
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, committed_database_url],
        cwd=REPO_ROOT / "backend",
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


@pytest.fixture(scope="module")
def committed_database_url(admin_url: str, template_database: str) -> object:
    from tests.fixtures.database import create_database_from, drop_database

    name = "mtf_test_tracing_" + os.urandom(4).hex()
    url = create_database_from(admin_url, name, template_database)
    yield url
    drop_database(admin_url, name)


def _children(spans: list[dict[str, object]], parent: dict[str, object]) -> list[dict[str, object]]:
    """Every span under `parent`, at any depth."""
    found, frontier = [], [parent["id"]]
    while frontier:
        level = [s for s in spans if s["parent"] in frontier]
        found += level
        frontier = [s["id"] for s in level]
    return found


def test_a_request_is_one_trace_with_its_queries(traced: dict[str, Any]) -> None:
    spans = traced["spans"]
    server = [s for s in spans if s["name"] == "GET /api/v1/offer-categories" and s["parent"] is None]
    assert len(server) == 1
    scopes = {s["scope"] for s in _children(spans, server[0])}
    assert "opentelemetry.instrumentation.sqlalchemy" in scopes
    assert "opentelemetry.instrumentation.psycopg" in scopes
    assert all(s["trace"] == server[0]["trace"] for s in _children(spans, server[0]))


def test_a_job_is_a_span_with_its_queue(traced: dict[str, Any]) -> None:
    spans = traced["spans"]
    # The worker's periodic deferrer may queue this minute's run of the same task: pick ours by its id.
    job = [
        s
        for s in spans
        if s["name"] == "job jobs.recover_stalled"
        and s["attributes"]["messaging.message.id"] == str(traced["deferred"])
    ]
    assert len(job) == 1
    attributes = job[0]["attributes"]
    assert isinstance(attributes, dict)
    assert attributes["messaging.destination.name"] == "maintenance"


def test_probes_are_not_traced_and_log_lines_carry_the_trace(traced: dict[str, Any]) -> None:
    spans = traced["spans"]
    assert not [s for s in spans if "health" in str(s["name"]) or "metrics" in str(s["name"])]
    probe = next(s for s in spans if s["name"] == "GET /probe-log" and s["parent"] is None)
    line = next(entry for entry in traced["logs"] if entry["message"] == "inside a request")
    assert line["trace_id"] == format(int(str(probe["trace"])), "032x")
