import { screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it } from "vitest";
import { PaymentForm } from "@/features/collections/components/payment-form";
import { renderPage, signInAs } from "@/testing/render";
import { API, envelope, http, HttpResponse, server } from "@/testing/server";
import { CLIENT, INVOICE, recorded } from "@/features/collections/__tests__/payment-fixtures";

describe("payment form: a possible duplicate is recorded only on purpose", { timeout: 30_000 }, () => {
  beforeEach(() => {
    signInAs("collections");
    server.use(
      http.get(`${API}/api/v1/invoices`, ({ request }) => {
        const status = new URL(request.url).searchParams.get("status");
        const items = status === "overdue" ? [INVOICE] : [];
        return HttpResponse.json({ items, total: items.length, limit: 200, offset: 0 });
      }),
    );
  });

  it("shows the warning on 409 possible_duplicate_payment and resends with confirm_duplicate and a new key", async () => {
    const sent: { body: Record<string, unknown>; key: string | null }[] = [];
    server.use(
      http.post(`${API}/api/v1/collections/payments`, async ({ request }) => {
        const body = (await request.json()) as Record<string, unknown>;
        sent.push({ body, key: request.headers.get("Idempotency-Key") });
        if (!body.confirm_duplicate)
          return envelope(409, "possible_duplicate_payment", "A payment like this one is already recorded.");
        return recorded("100.00", "VIR-7");
      }),
    );
    renderPage(<PaymentForm clientId={CLIENT} />);
    await screen.findAllByText("FAC-2026-000001");
    await userEvent.type(screen.getByLabelText(/Amount/), "100");
    await userEvent.type(screen.getByLabelText("Reference"), "VIR-7");
    await userEvent.click(screen.getByRole("button", { name: "Record the payment" }));

    const warning = await screen.findByTestId("payment-duplicate");
    expect(warning).toHaveTextContent("This payment may already be recorded");
    expect(screen.queryByTestId("payment-result")).not.toBeInTheDocument();
    expect(sent).toHaveLength(1);
    expect(sent[0]?.body).toMatchObject({ amount: "100.00", reference: "VIR-7", confirm_duplicate: false });

    await userEvent.click(screen.getByRole("button", { name: "Record it anyway" }));
    await screen.findByTestId("payment-result");
    expect(sent).toHaveLength(2);
    expect(sent[1]?.body).toMatchObject({ amount: "100.00", reference: "VIR-7", confirm_duplicate: true });
    expect(sent[1]?.key).toBeTruthy();
    expect(sent[1]?.key).not.toBe(sent[0]?.key);
    await waitFor(() => expect(screen.queryByTestId("payment-duplicate")).not.toBeInTheDocument());
  });

  it("cancelling the warning sends nothing more", async () => {
    let calls = 0;
    server.use(
      http.post(`${API}/api/v1/collections/payments`, () => {
        calls += 1;
        return envelope(409, "possible_duplicate_payment", "A payment like this one is already recorded.");
      }),
    );
    renderPage(<PaymentForm clientId={CLIENT} />);
    await screen.findAllByText("FAC-2026-000001");
    await userEvent.type(screen.getByLabelText(/Amount/), "100");
    await userEvent.click(screen.getByRole("button", { name: "Record the payment" }));
    await screen.findByTestId("payment-duplicate");
    await userEvent.click(screen.getByRole("button", { name: "Cancel" }));
    await waitFor(() => expect(screen.queryByTestId("payment-duplicate")).not.toBeInTheDocument());
    expect(calls).toBe(1);
  });
});
