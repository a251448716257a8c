import { fireEvent, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it } from "vitest";
import { PaymentForm } from "@/features/collections/components/payment-form";
import { renderPage, signInAs } from "@/testing/render";
import { API, envelope, http, HttpResponse, server } from "@/testing/server";
import { CLIENT, INVOICE, recorded } from "@/features/collections/__tests__/payment-fixtures";

let outstanding = INVOICE.outstanding_amount;

async function openForm(language: "en" | "fr" = "en") {
  renderPage(<PaymentForm clientId={CLIENT} />, { language });
  await screen.findAllByText("FAC-2026-000001");
}

describe("payment form: what the server refuses is told where it applies", { timeout: 30_000 }, () => {
  beforeEach(() => {
    signInAs("collections");
    outstanding = INVOICE.outstanding_amount;
    server.use(
      http.get(`${API}/api/v1/invoices`, ({ request }) => {
        const status = new URL(request.url).searchParams.get("status");
        const items = status === "overdue" ? [{ ...INVOICE, outstanding_amount: outstanding }] : [];
        return HttpResponse.json({ items, total: items.length, limit: 200, offset: 0 });
      }),
    );
  });

  it("a double click records once and shows no error", async () => {
    let calls = 0;
    server.use(
      http.post(`${API}/api/v1/collections/payments`, async () => {
        calls += 1;
        // The second request of a double click, with the same key, while the first is still running.
        if (calls > 1) return envelope(409, "idempotency_key_in_progress", "Still running.");
        await new Promise((resolve) => setTimeout(resolve, 200));
        return recorded("100.00");
      }),
    );
    await openForm();
    await userEvent.type(screen.getByLabelText(/Amount/), "100");
    // Both clicks in one task, as a browser delivers a double click: before React Query has re-rendered the
    // form with isPending, so only the form's own guard can hold the second one back.
    const button = screen.getByRole("button", { name: "Record the payment" });
    fireEvent.click(button);
    fireEvent.click(button);
    await screen.findByTestId("payment-result");
    expect(calls).toBe(1);
    expect(screen.queryByText("Something went wrong")).not.toBeInTheDocument();
  });

  it("an overpayment refused because the invoice was paid meanwhile reloads what is owed and says so", async () => {
    server.use(
      http.post(`${API}/api/v1/collections/payments`, () => {
        // Another agent recorded 100.00 on this invoice after the page was loaded.
        outstanding = "138.80";
        return envelope(409, "overpayment", "The payment exceeds the client's outstanding amount.");
      }),
    );
    await openForm("fr");
    await userEvent.type(screen.getByLabelText(/Montant/), "238.80");
    await userEvent.click(screen.getByRole("button", { name: "Enregistrer le paiement" }));
    const refusal = await screen.findByTestId("payment-stale");
    expect(refusal).toHaveTextContent("Le montant dépasse le reste à payer.");
    expect(refusal).toHaveTextContent("le tableau les montre à jour");
    // The preview now shows the amount the server has, and the too-large amount can no longer be sent.
    await screen.findByText(/Dû au total : 138,80/);
    expect(screen.getByRole("button", { name: "Enregistrer le paiement" })).toBeDisabled();
    expect(screen.queryByText("Une erreur s’est produite")).not.toBeInTheDocument();
    // The disabled button dropped keyboard focus: it is on the amount to correct.
    expect(screen.getByLabelText(/Montant/)).toHaveFocus();
  });

  it("a received date in the future is refused on its field before anything is sent", async () => {
    let calls = 0;
    server.use(
      http.post(`${API}/api/v1/collections/payments`, () => {
        calls += 1;
        return recorded("100.00");
      }),
    );
    await openForm("fr");
    await userEvent.type(screen.getByLabelText(/Montant/), "100");
    const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
    await userEvent.type(screen.getByLabelText("Reçu le"), tomorrow);
    expect(await screen.findByText("Ne peut pas être dans le futur")).toBeInTheDocument();
    expect(screen.getByLabelText("Reçu le")).toHaveAttribute("aria-invalid", "true");
    expect(screen.getByRole("button", { name: "Enregistrer le paiement" })).toBeDisabled();
    expect(calls).toBe(0);
  });

  it("a date before the client existed is told on the received date, in the page's language", async () => {
    server.use(
      http.post(`${API}/api/v1/collections/payments`, () =>
        envelope(
          422,
          "received_before_client",
          "received_at is before the client existed (2026-12-02T17:56:38Z).",
          [
            {
              loc: ["body", "received_at"],
              msg: "received_at is before the client existed",
              type: "received_before_client",
            },
          ],
        ),
      ),
    );
    await openForm("fr");
    await userEvent.type(screen.getByLabelText(/Montant/), "100");
    await userEvent.type(screen.getByLabelText("Reçu le"), "2020-01-01");
    await userEvent.click(screen.getByRole("button", { name: "Enregistrer le paiement" }));
    expect(await screen.findByText(/daté d’avant la création du client/)).toBeInTheDocument();
    expect(screen.getByLabelText("Reçu le")).toHaveAttribute("aria-invalid", "true");
    expect(screen.queryByText(/received_at/)).not.toBeInTheDocument();
    expect(screen.getByLabelText("Reçu le")).toHaveFocus();
    // Correcting the date clears the refusal.
    await userEvent.clear(screen.getByLabelText("Reçu le"));
    await waitFor(() =>
      expect(screen.queryByText(/daté d’avant la création du client/)).not.toBeInTheDocument(),
    );
  });

  it("says on the amount why a typed amount cannot be recorded", async () => {
    await openForm("fr");
    const amount = screen.getByLabelText(/Montant/);
    await userEvent.type(amount, "12.345");
    expect(await screen.findByText("Un montant comme 199 ou 199,50")).toBeInTheDocument();
    expect(amount).toHaveAttribute("aria-invalid", "true");
    expect(screen.getByRole("button", { name: "Enregistrer le paiement" })).toBeDisabled();
    await userEvent.clear(amount);
    await userEvent.type(amount, "12,34");
    await waitFor(() => expect(screen.queryByText("Un montant comme 199 ou 199,50")).not.toBeInTheDocument());
    expect(screen.getByRole("button", { name: "Enregistrer le paiement" })).toBeEnabled();
  });
});
