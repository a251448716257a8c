import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { InvoiceDetailPage } from "@/features/invoices/components/invoice-detail";
import { renderPage, signInAs } from "@/testing/render";
import { API, http, HttpResponse, server } from "@/testing/server";
import { issuedInvoice, list } from "@/features/invoices/__tests__/invoice-fixtures";

// Paid in full by one bank transfer.
const invoice = { ...issuedInvoice, status: "paid", paid_amount: "298.80", outstanding_amount: "0.00" };

function serve() {
  server.use(
    http.get(`${API}/api/v1/invoices/i-1`, () => HttpResponse.json(invoice)),
    http.get(`${API}/api/v1/clients/c-1`, () =>
      HttpResponse.json({ id: "c-1", display_name: "Amina Alaoui" }),
    ),
    http.get(`${API}/api/v1/collections/payments`, () =>
      HttpResponse.json(
        list([
          {
            id: "p-1",
            client_id: "c-1",
            received_at: "2026-12-02T10:00:00Z",
            amount: "298.80",
            method: "bank_transfer",
            reference: "VIR-1",
            allocations: [{ invoice_id: "i-1", amount: "298.80" }],
          },
        ]),
      ),
    ),
    http.get(`${API}/api/v1/audit-events`, () => HttpResponse.json(list([]))),
    http.get(
      `${API}/api/v1/invoices/i-1/pdf`,
      () => new HttpResponse("%PDF-1.4", { headers: { "Content-Type": "application/pdf" } }),
    ),
  );
}

const open = () => {
  signInAs("admin");
  renderPage(<InvoiceDetailPage />, { path: "/invoices/:invoiceId", url: "/invoices/i-1", language: "fr" });
};

describe("the invoice page", () => {
  it("shows what reduced the outstanding amount besides payments, so its totals add up", async () => {
    // 118.80 due, nothing paid, a 10.00 + 2.00 TVA credit note applied: 118.80 − 0.00 − 12.00 = 106.80.
    serve();
    server.use(
      http.get(`${API}/api/v1/invoices/i-1`, () =>
        HttpResponse.json({
          ...issuedInvoice,
          total: "118.80",
          paid_amount: "0.00",
          credited_amount: "12.00",
          credit_applied: "12.00",
          outstanding_amount: "106.80",
        }),
      ),
    );
    open();
    const totals = await screen.findByRole("row", { name: /Avoirs et crédit imputés/ });
    expect(within(totals).getByText(/^12,00\sMAD$/)).toBeInTheDocument();
    expect(screen.getByTestId("invoice-outstanding")).toHaveTextContent(/^106,80\sMAD$/);
  });

  it("says the payment method in words and groups the line number for reading", async () => {
    serve();
    open();
    const payments = await screen.findByRole("table", { name: "Paiements imputés" });
    expect(await within(payments).findByText("Virement")).toBeInTheDocument();
    expect(within(payments).queryByText("bank_transfer")).not.toBeInTheDocument();
    const lines = screen.getByRole("table", { name: "Lignes de facture" });
    expect(within(lines).getByText("+212 5 37 20 79 40")).toBeInTheDocument();
  });

  it("shows the PDF's SHA-256 from the invoice when the browser cannot read the answer's digest header", async () => {
    // Cross-origin (the SPA on its own port, as launch_all.sh runs it) the API does not expose
    // X-Content-SHA256 to the page: the fetch sees no such header.
    serve();
    open();
    expect(await screen.findByTestId("pdf-sha256")).toHaveTextContent("16a1237a9eeb");
  });
});

describe("the invoice page's credit notes", () => {
  it("download each credit note's own PDF with the operator's token", async () => {
    const asked: (string | null)[] = [];
    serve();
    server.use(
      http.get(`${API}/api/v1/invoices/i-1`, () =>
        HttpResponse.json({
          ...invoice,
          credited_amount: "60.00",
          credit_notes: [
            { id: "cn-1", credit_note_number: "AV-2026-000003", total: "60.00", issue_date: "2026-12-03" },
          ],
        }),
      ),
      http.get(`${API}/api/v1/credit-notes/cn-1/pdf`, ({ request }) => {
        asked.push(request.headers.get("Authorization"));
        return new HttpResponse("%PDF-1.4", { headers: { "Content-Type": "application/pdf" } });
      }),
    );
    // jsdom has no object URLs: the browser's hand-off of the file is not what is tested here.
    URL.createObjectURL = () => "blob:credit-note";
    URL.revokeObjectURL = () => undefined;
    open();
    const notes = await screen.findByRole("table", { name: "Avoirs" });
    await userEvent.click(
      within(notes).getByRole("button", { name: "Télécharger le PDF de l'avoir AV-2026-000003" }),
    );
    await waitFor(() => expect(asked).toEqual(["Bearer test-token"]));
  });
});

describe("the invoice page's audit trail", () => {
  // The audit log as the server keeps it: the invoice's own record, the batch that issued it, and the
  // record of its credit note, whose entity is the credit note (after.invoice_id names the invoice).
  const records = [
    {
      id: 41,
      occurred_at: "2026-12-01T06:00:00Z",
      actor: "system",
      role: "system",
      action: "invoices.issued",
      entity_type: "billing_run",
      entity_id: "r-1",
      before: null,
      after: { first_invoice_number: "FAC-2026-000001", last_invoice_number: "FAC-2026-000400" },
      correlation_id: null,
    },
    {
      id: 57,
      occurred_at: "2026-12-03T09:30:00Z",
      actor: "leila.billing",
      role: "billing",
      action: "credit_note.issued",
      entity_type: "credit_note",
      entity_id: "cn-1",
      before: { invoice_status: "paid", outstanding_amount: "0.00" },
      after: { invoice_id: "i-1", credit_note_number: "AV-2026-000003", total: "60.00" },
      correlation_id: "corr-9",
    },
  ];

  /** Answers the audit-events filters the way the server does (the ones the page may send). */
  function serveAudit() {
    server.use(
      http.get(`${API}/api/v1/audit-events`, ({ request }) => {
        const query = new URL(request.url).searchParams;
        const matches = records.filter(
          (record) =>
            (!query.get("entity_type") || record.entity_type === query.get("entity_type")) &&
            (!query.get("entity_id") || record.entity_id === query.get("entity_id")) &&
            (!query.get("issued_invoice_number") || record.action === "invoices.issued") &&
            (!query.get("credited_invoice_id") ||
              (record.action === "credit_note.issued" &&
                record.after.invoice_id === query.get("credited_invoice_id"))),
        );
        return HttpResponse.json(list(matches));
      }),
    );
  }

  it("shows the credit note's own event, in the page's language, newest first", async () => {
    serve();
    serveAudit();
    open();
    expect(await screen.findByText("Avoir émis")).toBeInTheDocument();
    expect(screen.getByText(/AV-2026-000003 pour 60,00\sMAD TTC/)).toBeInTheDocument();
    await screen.findByText("Factures émises");
    const titles = screen.getAllByText(/^(Avoir émis|Factures émises)$/).map((node) => node.textContent);
    expect(titles).toEqual(["Avoir émis", "Factures émises"]);
  });

  it("says it in English on an English page", async () => {
    serve();
    serveAudit();
    signInAs("auditor");
    renderPage(<InvoiceDetailPage />, { path: "/invoices/:invoiceId", url: "/invoices/i-1", language: "en" });
    expect(await screen.findByText("Credit note issued")).toBeInTheDocument();
    expect(screen.getByText(/AV-2026-000003 for 60\.00\sMAD incl\. tax/)).toBeInTheDocument();
  });
});
