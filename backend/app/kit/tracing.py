"""OpenTelemetry tracing (spec 9): FastAPI requests, SQLAlchemy and psycopg queries, Procrastinate jobs.

Off unless the standard OpenTelemetry variables ask for it: `OTEL_EXPORTER_OTLP_ENDPOINT` (or
`OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`), or `OTEL_TRACES_EXPORTER` naming an exporter; `OTEL_SDK_DISABLED=true`
wins. Everything else (`OTEL_SERVICE_NAME`, `OTEL_RESOURCE_ATTRIBUTES`, `OTEL_TRACES_SAMPLER`, headers,
timeouts) is read by the SDK itself. When tracing is on, each JSON log line also carries `trace_id` and
`span_id` (app.kit.logging), so logs and traces join on the same ids as the correlation id.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from fastapi import FastAPI
from opentelemetry import trace
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, SpanExporter

logger = logging.getLogger(__name__)

# Probes and scrapes would be most of the spans and tell nothing.
EXCLUDED_URLS = "health/live,health/ready,metrics"

_provider: TracerProvider | None = None


def tracing_requested(environ: Mapping[str, str] = os.environ) -> bool:
    if environ.get("OTEL_SDK_DISABLED", "").strip().lower() == "true":
        return False
    if environ.get("OTEL_EXPORTER_OTLP_ENDPOINT") or environ.get("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"):
        return True
    exporter = environ.get("OTEL_TRACES_EXPORTER", "").strip().lower()
    return exporter not in ("", "none")


def configure(exporter: SpanExporter | None = None, *, processor: Any = None) -> TracerProvider:
    """The process's tracer provider (once), exporting to `exporter` (default: OTLP over HTTP) and
    instrumenting SQLAlchemy and psycopg for every engine and connection created from now on."""
    global _provider
    if _provider is not None:
        return _provider
    from opentelemetry.instrumentation.psycopg import PsycopgInstrumentor
    from opentelemetry.instrumentation.sqlalchemy import SQLAlchemyInstrumentor

    if exporter is None:
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

        exporter = OTLPSpanExporter()
    provider = TracerProvider(
        resource=Resource.create({"service.name": os.environ.get("OTEL_SERVICE_NAME", "mt-facturation")})
    )
    provider.add_span_processor(processor or BatchSpanProcessor(exporter))
    trace.set_tracer_provider(provider)
    # sqlalchemy 2.1 is newer than the range the instrumentation declares; its engine events are unchanged.
    SQLAlchemyInstrumentor().instrument(tracer_provider=provider, enable_commenter=False, skip_dep_check=True)
    PsycopgInstrumentor().instrument(tracer_provider=provider, skip_dep_check=True)
    _provider = provider
    logger.info("OpenTelemetry tracing on")
    return provider


def install_tracing(app: FastAPI, provider: TracerProvider | None = None) -> None:
    """Instrument the app when tracing is requested (or a provider is given, as tests do)."""
    if provider is None:
        if not tracing_requested():
            return
        provider = configure()
    from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor

    FastAPIInstrumentor.instrument_app(app, tracer_provider=provider, excluded_urls=EXCLUDED_URLS)


async def job_span(call_next: Callable[[], Awaitable[Any]], context: Any, worker: Any) -> Any:
    """Procrastinate worker middleware: one span per job, the task's own queries nested under it."""
    job = context.job
    tracer = trace.get_tracer("app.jobs")
    with tracer.start_as_current_span(
        f"job {job.task_name}",
        kind=trace.SpanKind.CONSUMER,
        attributes={
            "messaging.system": "procrastinate",
            "messaging.destination.name": job.queue,
            "messaging.message.id": str(job.id),
            "procrastinate.attempts": job.attempts,
        },
    ):
        return await call_next()


def current_ids() -> dict[str, str]:
    """trace_id and span_id of the current span, for the log line; empty when not tracing."""
    span_context = trace.get_current_span().get_span_context()
    if not span_context.is_valid:
        return {}
    return {"trace_id": format(span_context.trace_id, "032x"), "span_id": format(span_context.span_id, "016x")}
