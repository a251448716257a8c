"""The alert rules and the Grafana dashboard, checked the way `promtool check rules` would, in Python:
rule file structure, every expression parsed by a PromQL parser (promql-parser), durations valid, and
every `mtf_*` series they read really exported by the application (so a renamed metric breaks CI, not
the on-call's night). Plus the operational gauges refreshed by /metrics from the database."""

from __future__ import annotations

import json
import re
from typing import Any

import httpx
import prometheus_client
import promql_parser
import pytest
import yaml

from app.config import REPO_ROOT
from tests.fixtures.auth import auth_headers

OBSERVABILITY = REPO_ROOT / "infra" / "observability"
REQUIRED_ALERTS = {
    "MtfApiErrorSpike",
    "MtfBillingRunFailed",
    "MtfJobQueueBacklog",
    "MtfDatabaseDown",
    "MtfWorkerDown",
}


def _exported_metric_names() -> set[str]:
    # Importing the modules registers their metrics in the default registry.
    import app.billing.metrics
    import app.kit.metrics
    import app.kit.ops_metrics  # noqa: F401

    names: set[str] = set()
    for metric in prometheus_client.REGISTRY.collect():
        names.add(metric.name)
        names.update(sample.name for sample in metric.samples)
        if metric.type == "histogram":
            names.update(f"{metric.name}{suffix}" for suffix in ("_bucket", "_sum", "_count"))
        if metric.type == "counter":
            names.add(f"{metric.name}_total")
    return names


def _series(expression: str) -> set[str]:
    return set(re.findall(r"\b(mtf_[a-z_]+)", expression))


def _rules() -> list[dict[str, Any]]:
    document = yaml.safe_load((OBSERVABILITY / "alert-rules.yml").read_text(encoding="utf-8"))
    assert set(document) == {"groups"}
    rules: list[dict[str, Any]] = []
    names = [group["name"] for group in document["groups"]]
    assert len(names) == len(set(names)), "duplicate group names"
    for group in document["groups"]:
        assert set(group) <= {"name", "rules", "interval"}
        rules += group["rules"]
    return rules


def test_every_rule_is_well_formed() -> None:
    rules = _rules()
    assert {rule["alert"] for rule in rules} >= REQUIRED_ALERTS
    for rule in rules:
        assert set(rule) <= {"alert", "expr", "for", "labels", "annotations", "keep_firing_for"}, rule["alert"]
        assert re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", rule["alert"])
        promql_parser.parse(rule["expr"])
        if "for" in rule:
            promql_parser.parse_duration(rule["for"])
        assert rule["labels"]["severity"] in {"page", "ticket"}
        assert rule["annotations"]["summary"]
        assert rule["annotations"]["runbook"].startswith("docs/runbook.md#")


def test_the_parser_refuses_a_broken_expression() -> None:
    with pytest.raises(ValueError, match=r".+"):
        promql_parser.parse("sum(rate(mtf_http_requests_total[5m])")


def test_rules_and_dashboard_read_only_exported_metrics() -> None:
    exported = _exported_metric_names()
    dashboard = json.loads((OBSERVABILITY / "grafana-dashboard.json").read_text(encoding="utf-8"))
    expressions = [rule["expr"] for rule in _rules()]
    expressions += [target["expr"] for panel in dashboard["panels"] for target in panel["targets"]]
    for expression in expressions:
        promql_parser.parse(expression)
        missing = _series(expression) - exported
        assert not missing, f"{expression!r} reads series the application does not export: {missing}"


def test_the_dashboard_shows_what_spec_9_asks() -> None:
    dashboard = json.loads((OBSERVABILITY / "grafana-dashboard.json").read_text(encoding="utf-8"))
    titles = " | ".join(panel["title"].lower() for panel in dashboard["panels"])
    for topic in ("health", "latency", "error rate", "billing run duration", "queue backlog"):
        assert topic in titles, topic
    ids = [panel["id"] for panel in dashboard["panels"]]
    assert len(ids) == len(set(ids))


async def test_metrics_report_queue_backlog_workers_and_pool(client: httpx.AsyncClient, session: Any) -> None:
    from sqlalchemy import text

    await session.execute(
        text(
            "INSERT INTO procrastinate_jobs (queue_name, task_name, args, status, scheduled_at) "
            "VALUES ('billing', 'billing.plan_run', '{}', 'todo', now() - interval '10 minutes')"
        )
    )
    await session.flush()
    # /metrics reads through the application's engine (its own connection), so the row must be visible to
    # it: this test commits nothing, hence the figures are read from the same session here.
    from app.kit import ops_metrics

    class SessionEngine:
        """The session's connection standing in for the engine, so the uncommitted row is seen."""

        def __init__(self) -> None:
            self.sync_engine = type("E", (), {"pool": object()})()

        def connect(self) -> Any:
            return _Conn()

    class _Conn:
        async def __aenter__(self) -> Any:
            return await session.connection()

        async def __aexit__(self, *exc: object) -> None:
            return None

    await ops_metrics.refresh(SessionEngine())  # type: ignore[arg-type]
    text_metrics = prometheus_client.generate_latest().decode()
    assert 'mtf_jobs{queue="billing",status="todo"} 1.0' in text_metrics
    oldest = re.search(r'mtf_jobs_oldest_todo_seconds\{queue="billing"\} ([0-9.e+]+)', text_metrics)
    assert oldest is not None
    assert float(oldest.group(1)) >= 600
    answer = await client.get("/metrics", headers=auth_headers("auditor"))
    assert answer.status_code == 200
    assert 'mtf_db_pool_connections{state="size"}' in answer.text
    assert "mtf_workers_alive" in answer.text
