import { screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { InvoiceDetailPage } from "@/features/invoices/components/invoice-detail";
import { renderPage, signInAs } from "@/testing/render";
import { API, http, HttpResponse, server } from "@/testing/server";
import { issuedInvoice, list } from "@/features/invoices/__tests__/invoice-fixtures";

const invoice = issuedInvoice;

/** The invoice page's reads, and the credit note answer `answer` gives; the requests sent are kept. */
function serve(answer: () => Response) {
  const sent: { body: unknown; key: string | null }[] = [];
  server.use(
    http.get(`${API}/api/v1/invoices/i-1`, () => HttpResponse.json(invoice)),
    http.get(`${API}/api/v1/clients/c-1`, () =>
      HttpResponse.json({ id: "c-1", display_name: "Amina Alaoui" }),
    ),
    http.get(`${API}/api/v1/collections/payments`, () => HttpResponse.json(list([]))),
    http.get(`${API}/api/v1/audit-events`, () => HttpResponse.json(list([]))),
    http.get(
      `${API}/api/v1/invoices/i-1/pdf`,
      () => new HttpResponse("%PDF-1.4", { headers: { "Content-Type": "application/pdf" } }),
    ),
    http.post(`${API}/api/v1/invoices/i-1/credit-notes`, async ({ request }) => {
      sent.push({ body: await request.json(), key: request.headers.get("Idempotency-Key") });
      return answer();
    }),
  );
  return sent;
}

async function openForm(...roles: Parameters<typeof signInAs>) {
  signInAs(...roles);
  renderPage(<InvoiceDetailPage />, { path: "/invoices/:invoiceId", url: "/invoices/i-1", language: "fr" });
  await userEvent.click(await screen.findByRole("button", { name: "Émettre un avoir" }));
  return screen.findByRole("dialog", { name: "Avoir sur la facture FAC-2026-000007" });
}

describe("the credit note form", () => {
  it("issues a credit note of an amount excl. tax with a reason, under one Idempotency-Key", async () => {
    const sent = serve(() =>
      HttpResponse.json(
        { id: "cn-1", credit_note_number: "AV-2026-000003", total: "60.00" },
        { status: 201 },
      ),
    );
    const dialog = await openForm("billing");
    await userEvent.click(within(dialog).getByLabelText("Un montant hors taxe"));
    await userEvent.type(within(dialog).getByLabelText(/Montant HT/), "50,00");
    await userEvent.type(within(dialog).getByLabelText(/Motif/), "Geste commercial panne");
    await userEvent.click(within(dialog).getByRole("button", { name: "Émettre l'avoir" }));

    expect(await screen.findByText(/AV-2026-000003 émis pour 60,00/)).toBeInTheDocument();
    expect(sent).toHaveLength(1);
    expect(sent[0]?.body).toEqual({ kind: "amount", reason: "Geste commercial panne", amount: "50.00" });
    expect(sent[0]?.key).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("says what is missing before sending anything", async () => {
    const sent = serve(() => HttpResponse.json({}, { status: 500 }));
    const dialog = await openForm("admin");
    await userEvent.click(within(dialog).getByLabelText("Des lignes choisies, en entier"));
    await userEvent.click(within(dialog).getByRole("button", { name: "Émettre l'avoir" }));

    expect(within(dialog).getByText("Choisissez au moins une ligne.")).toBeInTheDocument();
    expect(within(dialog).getByText("Le motif compte au moins 3 caractères.")).toBeInTheDocument();
    expect(sent).toHaveLength(0);
  });

  it("puts the server's creditable limit on the amount field, and retries under the same key", async () => {
    const refusal = {
      error: {
        code: "credit_exceeds_creditable",
        message: "A credit note cannot credit more than what is still creditable on the invoice.",
        details: [
          {
            loc: ["body", "amount"],
            msg: "A credit note cannot credit more than what is still creditable on the invoice (249.00 excl. tax).",
            type: "credit_exceeds_creditable",
          },
        ],
        correlation_id: "corr-1",
      },
    };
    const sent = serve(() => HttpResponse.json(refusal, { status: 422 }));
    const dialog = await openForm("billing");
    await userEvent.click(within(dialog).getByLabelText("Un montant hors taxe"));
    await userEvent.type(within(dialog).getByLabelText(/Montant HT/), "300");
    await userEvent.type(within(dialog).getByLabelText(/Motif/), "Erreur de tarif");
    const submit = within(dialog).getByRole("button", { name: "Émettre l'avoir" });
    await userEvent.click(submit);

    expect(await within(dialog).findByText(/\(249\.00 excl\. tax\)/)).toBeInTheDocument();
    await userEvent.click(submit);
    await within(dialog).findByText(/\(249\.00 excl\. tax\)/);
    expect(sent).toHaveLength(2);
    expect(sent[1]?.key).toBe(sent[0]?.key);
  });

  it("states what the invoice says is still creditable, excl. and incl. tax", async () => {
    serve(() => HttpResponse.json({}, { status: 500 }));
    const dialog = await openForm("billing");
    // Formatted as the page's language writes money (a narrow no-break space before MAD).
    expect(
      within(dialog).getByText(/^Encore créditable : 249,00\sMAD HT, soit 298,80\sMAD TTC\.$/),
    ).toBeInTheDocument();
  });

  it("is not offered once the invoice says nothing is left to credit, whatever its status", async () => {
    // The API's figure decides, not the SPA's reading of the status and amounts.
    const spent = { ...invoice, status: "paid", creditable_subtotal: "0.00", creditable_total: "0.00" };
    serve(() => HttpResponse.json({}, { status: 500 }));
    server.use(http.get(`${API}/api/v1/invoices/i-1`, () => HttpResponse.json(spent)));
    signInAs("billing");
    renderPage(<InvoiceDetailPage />, { path: "/invoices/:invoiceId", url: "/invoices/i-1", language: "fr" });
    await screen.findByTestId("invoice-total");
    expect(screen.queryByRole("button", { name: "Émettre un avoir" })).not.toBeInTheDocument();
  });

  it("is not offered to a role that cannot issue credit notes", async () => {
    serve(() => HttpResponse.json({}, { status: 500 }));
    signInAs("collections");
    renderPage(<InvoiceDetailPage />, { path: "/invoices/:invoiceId", url: "/invoices/i-1", language: "fr" });
    await screen.findByTestId("invoice-total");
    expect(screen.queryByRole("button", { name: "Émettre un avoir" })).not.toBeInTheDocument();
  });
});
