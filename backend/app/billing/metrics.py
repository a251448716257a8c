"""Prometheus metrics of billing runs and invoice PDFs (spec section 9: billing job duration and alerts)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from prometheus_client import Counter, Gauge, Histogram

if TYPE_CHECKING:
    from app.billing.models import BillingRun

RUN_DURATION = Histogram(
    "mtf_billing_run_duration_seconds",
    "Time from the start of a billing run to its last invoice committed (PDFs excluded)",
    ["dry_run"],
    buckets=(1, 5, 10, 30, 60, 120, 300, 600, 1800, 3600),
)
CONTRACTS_PER_SECOND = Gauge(
    "mtf_billing_contracts_per_second", "Contracts invoiced per second by the last finished billing run"
)
CONTRACTS_INVOICED = Counter("mtf_billing_contracts_invoiced_total", "Contracts that received invoice lines")
INVOICES_ISSUED = Counter("mtf_billing_invoices_total", "Invoices written by billing runs", ["status"])
RUN_FAILURES = Counter("mtf_billing_run_failures_total", "Billing runs that failed")
CHUNK_FAILURES = Counter("mtf_billing_chunk_failures_total", "Billing chunk attempts that failed (retried)")
CLIENT_FAILURES = Counter("mtf_billing_client_failures_total", "Clients parked by a billing run")
PDFS_PENDING = Gauge(
    "mtf_billing_pdfs_pending", "Issued invoices whose PDF is not rendered yet (as last seen by this process)"
)
PDFS_RENDERED = Counter("mtf_billing_pdfs_rendered_total", "Invoice PDFs rendered and stored")
PDF_RENDER_SECONDS = Histogram(
    "mtf_billing_pdf_render_seconds",
    "Time to render one invoice PDF",
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25),
)


def observe_finished_run(run: BillingRun) -> None:
    if run.started_at is None or run.finished_at is None:
        return
    seconds = max((run.finished_at - run.started_at).total_seconds(), 1e-6)
    RUN_DURATION.labels(dry_run=str(run.dry_run).lower()).observe(seconds)
    CONTRACTS_PER_SECOND.set(run.contracts_count / seconds)
    CONTRACTS_INVOICED.inc(run.contracts_count)
    INVOICES_ISSUED.labels(status="draft" if run.dry_run else "issued").inc(run.invoices_count)
