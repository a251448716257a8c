import { screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { RunPage } from "@/features/invoices/components/run-page";
import { renderPage, signInAs } from "@/testing/render";
import { API, http, HttpResponse, server } from "@/testing/server";

const run = {
  id: "r-1",
  status: "completed",
  dry_run: false,
  period_start: "2026-11-01",
  period_end: "2026-11-30",
  issue_date: "2026-12-01",
  due_days: 15,
  tax_rate: "0.20",
  clients_total: 240,
  clients_processed: 240,
  clients_failed: 0,
  contracts_count: 401,
  invoices_count: 237,
  lines_count: 401,
  total_amount: "98245.88",
  chunks_total: 1,
  chunks_done: 1,
  pdfs_rendered: 237,
  pdfs_ready: true,
  error: null,
  started_at: "2026-12-01T08:00:00Z",
  finished_at: "2026-12-01T08:00:01Z",
  pdfs_finished_at: "2026-12-01T08:00:02Z",
  discarded_at: null,
  created_at: "2026-12-01T08:00:00Z",
  updated_at: "2026-12-01T08:00:02Z",
  created_by: "admin",
  progress: { processed: 240, total: 240, percent: 100 },
  invoicing_seconds: 0.062,
};

describe("a billing run's page", () => {
  it("titles the run with its period as dates of the page's language, like the invoices do", async () => {
    signInAs("billing");
    server.use(
      http.get(`${API}/api/v1/billing/runs/r-1`, () => HttpResponse.json(run)),
      http.get(`${API}/api/v1/invoices`, () =>
        HttpResponse.json({ items: [], total: 0, limit: 25, offset: 0 }),
      ),
    );
    renderPage(<RunPage />, { path: "/invoices/runs/:runId", url: "/invoices/runs/r-1", language: "fr" });
    expect(
      await screen.findByRole("heading", { level: 1, name: "Facturation 1 nov. 2026 → 30 nov. 2026" }),
    ).toBeInTheDocument();
    expect(screen.queryByText(/2026-11-01/)).not.toBeInTheDocument();
  });
});
