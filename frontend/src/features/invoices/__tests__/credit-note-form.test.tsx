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

  it("puts a server problem on a chosen line on the lines field, in the page's language", async () => {
    const refusal = {
      error: {
        code: "validation_error",
        message: "The request is invalid.",
        details: [
          {
            loc: ["body", "line_ids", 0],
            msg: "This line is already fully credited.",
            type: "credit_note_line_invalid",
          },
        ],
        correlation_id: "corr-2",
      },
    };
    const sent = serve(() => HttpResponse.json(refusal, { status: 422 }));
    const dialog = await openForm("billing");
    await userEvent.click(within(dialog).getByLabelText("Des lignes choisies, en entier"));
    await userEvent.click(within(dialog).getByLabelText(/ADSL 20 Méga/));
    await userEvent.type(within(dialog).getByLabelText(/Motif/), "Ligne non activée");
    await userEvent.click(within(dialog).getByRole("button", { name: "Émettre l'avoir" }));

    const problem =
      "Cette ligne ne peut pas être créditée (déjà créditée en entier, ou d'une autre facture).";
    expect(await within(dialog).findByText(problem)).toBeInTheDocument();
    // Said on the lines field itself: its group is described by the problem.
    expect(within(dialog).getByRole("group", { name: "Lignes à créditer" })).toHaveAccessibleDescription(
      problem,
    );
    expect(within(dialog).queryByText("This line is already fully credited.")).not.toBeInTheDocument();
    expect(sent[0]?.body).toEqual({ kind: "lines", reason: "Ligne non activée", line_ids: ["l-1"] });
  });

  it("says a refusal that names no field in the form, keyed on its code", async () => {
    const refusal = {
      error: {
        code: "invoice_not_creditable",
        message: "Nothing is left to credit on this invoice.",
        details: [],
        correlation_id: "corr-3",
      },
    };
    serve(() => HttpResponse.json(refusal, { status: 409 }));
    const dialog = await openForm("billing");
    await userEvent.type(within(dialog).getByLabelText(/Motif/), "Facture contestée");
    await userEvent.click(within(dialog).getByRole("button", { name: "Émettre l'avoir" }));

    expect(await within(dialog).findByRole("alert")).toHaveTextContent(
      "Cette facture ne peut plus recevoir d'avoir : rien n'y reste à créditer.",
    );
  });

  it("sends a typed amount as the API writes money, and refuses one with three decimals", async () => {
    const sent = serve(() =>
      HttpResponse.json(
        { id: "cn-2", credit_note_number: "AV-2026-000004", total: "12.00" },
        { status: 201 },
      ),
    );
    const dialog = await openForm("billing");
    await userEvent.click(within(dialog).getByLabelText("Un montant hors taxe"));
    const amount = within(dialog).getByLabelText(/Montant HT/);
    await userEvent.type(amount, "10,005");
    await userEvent.type(within(dialog).getByLabelText(/Motif/), "Geste commercial");
    const submit = within(dialog).getByRole("button", { name: "Émettre l'avoir" });
    await userEvent.click(submit);
    expect(
      within(dialog).getByText("Saisissez un montant positif, avec au plus deux décimales."),
    ).toBeInTheDocument();
    expect(sent).toHaveLength(0);

    await userEvent.clear(amount);
    await userEvent.type(amount, "10");
    await userEvent.click(submit);
    expect(await screen.findByText(/AV-2026-000004 émis pour 12,00/)).toBeInTheDocument();
    expect(sent[0]?.body).toEqual({ kind: "amount", reason: "Geste commercial", amount: "10.00" });
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
