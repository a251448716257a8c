import { screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { ClientDetail } from "@/features/clients/components/client-detail";
import { renderPage, signInAs } from "@/testing/render";
import { API, http, HttpResponse, server } from "@/testing/server";

const client = {
  id: "c-1",
  kind: "individual",
  cin: "AB123456",
  first_name: "Amina",
  last_name: "Alaoui",
  company_name: null,
  ice: null,
  display_name: "Amina Alaoui",
  email: null,
  phone: "+212655334422",
  address: null,
  city: "Rabat",
  status: "active",
  anonymised_at: null,
  created_at: "2026-01-01T10:00:00Z",
  updated_at: "2026-01-01T10:00:00Z",
};
const list = (items: unknown[], total = items.length) => ({ items, total, limit: 50, offset: 0 });

function serve() {
  server.use(
    http.get(`${API}/api/v1/clients/c-1`, () => HttpResponse.json(client)),
    http.get(`${API}/api/v1/contracts`, () =>
      HttpResponse.json(
        list([
          {
            id: "k-1",
            contract_number: "CT-2026-000001",
            service_type: "fiber",
            phone_number: "+212537207940",
            start_date: "2026-06-01",
            monthly_fee: "349.00",
            status: "suspended",
          },
        ]),
      ),
    ),
    http.get(`${API}/api/v1/invoices`, () =>
      HttpResponse.json(
        list([
          {
            id: "i-1",
            invoice_number: "FAC-2026-000007",
            issue_date: "2026-07-01",
            due_date: "2026-07-16",
            total: "418.80",
            outstanding_amount: "118.80",
            status: "overdue",
          },
        ]),
      ),
    ),
    http.get(`${API}/api/v1/collections/payments`, () =>
      HttpResponse.json(
        list([{ id: "p-1", received_at: "2026-07-05T10:00:00Z", amount: "418.80", method: "bank_transfer" }]),
      ),
    ),
    http.get(`${API}/api/v1/collections/cases`, () =>
      HttpResponse.json(
        list(
          [
            {
              id: "cc-1",
              status: "promise_to_pay",
              opened_on: "2026-07-17",
              aging_bucket: "31-60",
              days_past_due: 45,
              overdue_invoice_count: 1,
              total_overdue: "418.80",
            },
          ],
          21,
        ),
      ),
    ),
    http.get(`${API}/api/v1/audit-events`, () => HttpResponse.json(list([]))),
  );
}

describe("the client's history tabs", () => {
  it("name each column and say statuses, services and payment methods in words, not API codes", async () => {
    signInAs("admin");
    serve();
    const user = userEvent.setup();
    renderPage(<ClientDetail clientId="c-1" />, {
      path: "/clients/:clientId",
      url: "/clients/c-1",
      language: "fr",
    });
    await screen.findByRole("heading", { name: "Amina Alaoui" });

    const contracts = await screen.findByRole("table");
    expect(within(contracts).getByText("Fibre")).toBeInTheDocument();
    expect(within(contracts).getByText("Suspendu")).toBeInTheDocument();
    expect(within(contracts).queryByText("fiber")).not.toBeInTheDocument();

    await user.click(screen.getByRole("tab", { name: "Factures" }));
    const invoices = await screen.findByRole("table");
    expect(within(invoices).getByRole("columnheader", { name: "Statut" })).toBeInTheDocument();
    expect(within(invoices).getByText("En retard")).toBeInTheDocument();
    expect(within(invoices).queryByText("overdue")).not.toBeInTheDocument();
    expect(within(invoices).getByRole("link", { name: "FAC-2026-000007" })).toHaveAttribute(
      "href",
      "/invoices/i-1",
    );

    await user.click(screen.getByRole("tab", { name: "Paiements" }));
    const payments = await screen.findByRole("table");
    expect(within(payments).getByRole("columnheader", { name: "Moyen" })).toBeInTheDocument();
    expect(within(payments).getByText("Virement")).toBeInTheDocument();
    expect(within(payments).queryByText("bank_transfer")).not.toBeInTheDocument();

    await user.click(screen.getByRole("tab", { name: "Recouvrement" }));
    const cases = await screen.findByRole("table");
    expect(within(cases).getByRole("columnheader", { name: "Ancienneté" })).toBeInTheDocument();
    expect(within(cases).getByText("Promesse de paiement")).toBeInTheDocument();
    expect(within(cases).queryByText("promise_to_pay")).not.toBeInTheDocument();
  });

  it("open each invoice and case on its page, say what is left to pay, and lead to the full lists", async () => {
    signInAs("admin");
    serve();
    renderPage(<ClientDetail clientId="c-1" />, {
      path: "/clients/:clientId",
      url: "/clients/c-1?tab=invoices",
      language: "fr",
    });
    // The tab comes from the address: Back from an invoice lands on the invoices again.
    const invoices = await screen.findByRole("table");
    expect(within(invoices).getByRole("columnheader", { name: "Reste dû" })).toBeInTheDocument();
    expect(within(invoices).getByText("16 juil. 2026")).toBeInTheDocument();
    expect(within(invoices).getByText(/^118,80\sMAD$/)).toBeInTheDocument();
    expect(screen.queryByText(/Voir les \d+ factures/)).not.toBeInTheDocument();

    await userEvent.click(screen.getByRole("tab", { name: "Recouvrement" }));
    const cases = await screen.findByRole("table");
    expect(within(cases).getByRole("link", { name: "17 juil. 2026" })).toHaveAttribute(
      "href",
      "/collections/cases/cc-1",
    );
    expect(within(cases).getByRole("cell", { name: "45" })).toBeInTheDocument();
    // 21 cases, the tab shows the latest 20 (here one): the rest are one click away, filtered on the client.
    expect(screen.getByRole("link", { name: "Voir les 21 dossiers de ce client" })).toHaveAttribute(
      "href",
      "/collections?client_id=c-1",
    );
  });

  it("starts a new contract for this client, for a role that may, and not for one that may not", async () => {
    signInAs("operator");
    serve();
    const view = renderPage(<ClientDetail clientId="c-1" />, {
      path: "/clients/:clientId",
      url: "/clients/c-1",
    });
    expect(await screen.findByRole("link", { name: "New contract" })).toHaveAttribute(
      "href",
      "/contracts/new?client=c-1",
    );
    view.unmount();

    signInAs("billing");
    renderPage(<ClientDetail clientId="c-1" />, { path: "/clients/:clientId", url: "/clients/c-1" });
    await screen.findByRole("heading", { name: "Amina Alaoui" });
    expect(screen.queryByRole("link", { name: "New contract" })).not.toBeInTheDocument();
  });
});
