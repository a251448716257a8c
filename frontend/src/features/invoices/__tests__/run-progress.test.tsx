import { screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import type { BillingRunDetail } from "@/features/invoices/api/create-billing-run";
import { isSettled } from "@/features/invoices/api/get-billing-run";
import { RunProgress } from "@/features/invoices/components/run-progress";
import { renderPage } from "@/testing/render";

function run(overrides: Partial<BillingRunDetail>): BillingRunDetail {
  return {
    id: "run-1",
    status: "running",
    dry_run: false,
    period_start: "2026-11-01",
    period_end: "2026-11-30",
    issue_date: "2026-12-01",
    due_days: 15,
    tax_rate: "0.20",
    clients_total: 10_000,
    clients_processed: 2_500,
    clients_failed: 1,
    contracts_count: 10_000,
    invoices_count: 2_499,
    lines_count: 2_499,
    total_amount: "499800.00",
    chunks_total: 10,
    chunks_done: 2,
    pdfs_rendered: 0,
    pdfs_ready: false,
    error: null,
    started_at: "2026-12-01T10:00:00Z",
    finished_at: null,
    pdfs_finished_at: null,
    discarded_at: null,
    created_at: "2026-12-01T10:00:00Z",
    updated_at: "2026-12-01T10:00:05Z",
    created_by: "billing-agent",
    progress: { processed: 2_500, total: 10_000, percent: 25 },
    invoicing_seconds: null,
    failed_clients: [{ client_id: "c-1", reason: "no billable days", created_at: "2026-12-01T10:00:03Z" }],
    ...overrides,
  };
}

describe("run progress", () => {
  it("shows a running run's figures and its parked clients", async () => {
    renderPage(<RunProgress run={run({})} />);
    expect(await screen.findByTestId("run-status")).toHaveTextContent("Running");
    expect(screen.getByTestId("run-clients")).toHaveTextContent("2,500 / 10,000 clients · 25 %");
    expect(screen.getByTestId("run-invoices")).toHaveTextContent("2,499");
    expect(screen.getByTestId("run-chunks")).toHaveTextContent("2 / 10");
    expect(screen.getByTestId("run-parked")).toHaveTextContent("1");
    expect(screen.getByTestId("run-amount")).toHaveTextContent("499,800.00");
    expect(screen.getByRole("progressbar", { name: "Clients processed" })).toHaveAttribute(
      "aria-valuenow",
      "25",
    );
    expect(screen.getByText("no billable days")).toBeInTheDocument();
    expect(screen.queryByTestId("run-summary")).not.toBeInTheDocument();
  });

  it("after completion: the summary, then PDF rendering progress until ready", async () => {
    const done = run({
      status: "completed",
      clients_processed: 10_000,
      invoices_count: 9_999,
      lines_count: 10_120,
      chunks_done: 10,
      finished_at: "2026-12-01T10:00:42Z",
      invoicing_seconds: 42,
      pdfs_rendered: 2_000,
      progress: { processed: 10_000, total: 10_000, percent: 100 },
    });
    const view = renderPage(<RunProgress run={done} />);
    expect(await screen.findByTestId("run-summary")).toHaveTextContent("9,999 invoices, 10,120 lines");
    expect(screen.getByTestId("run-summary")).toHaveTextContent("in 42 s");
    expect(screen.getByTestId("run-pdfs")).toHaveTextContent("2,000 / 9,999 PDFs rendered");
    expect(isSettled(done)).toBe(false);
    view.unmount();
    const rendered = {
      ...done,
      pdfs_rendered: 9_999,
      pdfs_ready: true,
      pdfs_finished_at: "2026-12-01T10:01:30Z",
    };
    renderPage(<RunProgress run={rendered} />);
    expect(await screen.findByTestId("run-pdfs")).toHaveTextContent("All PDFs rendered");
    expect(isSettled(rendered)).toBe(true);
  });

  it("a failed run shows its error and stops polling; a queued one keeps polling", async () => {
    const failed = run({ status: "failed", error: "worker lost" });
    renderPage(<RunProgress run={failed} />);
    expect(await screen.findByText("worker lost")).toBeInTheDocument();
    expect(isSettled(failed)).toBe(true);
    expect(isSettled(run({ status: "queued" }))).toBe(false);
    expect(isSettled(run({ status: "completed", dry_run: true }))).toBe(true);
  });
});
