import { screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { BillingRunForm } from "@/features/invoices/components/billing-run-form";
import { renderPage, signInAs } from "@/testing/render";
import { API, envelope, http, HttpResponse, server } from "@/testing/server";

const RUN = { id: "run-9", status: "queued", dry_run: false, failed_clients: [] };

// The Mantine pickers are slow to drive in jsdom on a loaded machine.
describe("billing run form", { timeout: 60_000 }, () => {
  beforeEach(() => {
    signInAs("billing");
    server.use(
      http.get(`${API}/api/v1/reporting/tax-rates`, () =>
        HttpResponse.json(["0.20", "0.14", "0.10", "0.07", "0.00"]),
      ),
    );
  });
  afterEach(() => vi.restoreAllMocks());

  it("offers the configured legal rates and sends the period, due days, rate and dry run", async () => {
    const bodies: unknown[] = [];
    server.use(
      http.post(`${API}/api/v1/billing/runs`, async ({ request }) => {
        bodies.push(await request.json());
        return HttpResponse.json(RUN, { status: 202 });
      }),
    );
    const onStarted = vi.fn();
    renderPage(
      <BillingRunForm
        onStarted={onStarted}
        initial={{ period_start: "2026-11-01", period_end: "2026-11-30" }}
      />,
    );
    const rate = await screen.findByLabelText("TVA rate", { selector: "input" });
    await waitFor(() => expect(rate).toHaveValue("20 %"));
    await userEvent.click(rate);
    await userEvent.click(await screen.findByRole("option", { name: "14 %", hidden: true }));
    await userEvent.click(screen.getByRole("switch", { name: /Dry run/ }));
    await userEvent.click(screen.getByRole("button", { name: "Start the dry run" }));
    await waitFor(() => expect(onStarted).toHaveBeenCalled());
    expect(bodies).toEqual([
      { period_start: "2026-11-01", period_end: "2026-11-30", due_days: 15, tax_rate: "0.14", dry_run: true },
    ]);
  });

  it("keeps the Idempotency-Key across a retry of the same request", async () => {
    const keys: (string | null)[] = [];
    let calls = 0;
    server.use(
      http.post(`${API}/api/v1/billing/runs`, ({ request }) => {
        keys.push(request.headers.get("Idempotency-Key"));
        calls += 1;
        return calls === 1
          ? envelope(503, "service_unavailable", "try again")
          : HttpResponse.json(RUN, { status: 202 });
      }),
    );
    const onStarted = vi.fn();
    renderPage(
      <BillingRunForm
        onStarted={onStarted}
        initial={{ period_start: "2026-11-01", period_end: "2026-11-30" }}
      />,
    );
    const submit = await screen.findByRole("button", { name: "Start the run" });
    await waitFor(() => expect(submit).toBeEnabled());
    await userEvent.click(submit);
    await waitFor(() => expect(keys).toHaveLength(1));
    await waitFor(() => expect(submit).toBeEnabled());
    await userEvent.click(submit);
    await waitFor(() => expect(onStarted).toHaveBeenCalled());
    expect(keys.length).toBeGreaterThanOrEqual(2);
    expect(keys[0]).toMatch(/^[0-9a-f-]{36}$/);
    expect(new Set(keys).size).toBe(1);
  });

  it("puts a 422 on the field it names", async () => {
    server.use(
      http.post(`${API}/api/v1/billing/runs`, () =>
        envelope(422, "validation_error", "invalid", [
          { loc: ["body", "period_end"], msg: "a billing run covers at most 366 days", type: "value_error" },
        ]),
      ),
    );
    renderPage(
      <BillingRunForm
        onStarted={vi.fn()}
        initial={{ period_start: "2026-11-01", period_end: "2026-11-30" }}
      />,
    );
    const submit = await screen.findByRole("button", { name: "Start the run" });
    await waitFor(() => expect(submit).toBeEnabled());
    await userEvent.click(submit);
    expect(await screen.findByText("a billing run covers at most 366 days")).toBeInTheDocument();
  });
});
