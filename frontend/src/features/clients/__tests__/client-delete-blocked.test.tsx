import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { ClientDetail } from "@/features/clients/components/client-detail";
import type { Role } from "@/lib/session";
import { renderPage, signInAs } from "@/testing/render";
import { API, envelope, http, HttpResponse, server } from "@/testing/server";

const client: Record<string, unknown> & { status: string; anonymised_at: string | null } = {
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

/** The client, its (empty) history lists, and what delete / terminate / anonymise answer; returns the calls. */
function serve(initial: Partial<typeof client> = {}) {
  let current = { ...client, ...initial };
  const calls: string[] = [];
  const page = { items: [], total: 0, limit: 50, offset: 0 };
  server.use(
    http.get(`${API}/api/v1/clients/c-1`, () => HttpResponse.json(current)),
    http.delete(`${API}/api/v1/clients/c-1`, () => {
      calls.push("delete");
      return envelope(409, "client_delete_blocked", "The client has history.", [
        { kind: "contract", msg: "contract", type: "client_delete_blocked" },
      ]);
    }),
    http.patch(`${API}/api/v1/clients/c-1`, async ({ request }) => {
      calls.push(`patch ${JSON.stringify(await request.json())}`);
      current = { ...current, status: "terminated" };
      return HttpResponse.json(current);
    }),
    http.post(`${API}/api/v1/clients/c-1/anonymise`, () => {
      calls.push("anonymise");
      current = { ...current, display_name: "Client anonymisé", anonymised_at: "2026-12-01T10:00:00Z" };
      return HttpResponse.json(current);
    }),
    http.get(`${API}/api/v1/contracts`, () => HttpResponse.json(page)),
    http.get(`${API}/api/v1/invoices`, () => HttpResponse.json(page)),
    http.get(`${API}/api/v1/collections/payments`, () => HttpResponse.json(page)),
    http.get(`${API}/api/v1/collections/cases`, () => HttpResponse.json(page)),
    http.get(`${API}/api/v1/audit-events`, () => HttpResponse.json(page)),
  );
  return calls;
}

async function refuseDelete(role: Role, initial: Partial<typeof client> = {}) {
  signInAs(role);
  const calls = serve(initial);
  const user = userEvent.setup();
  renderPage(<ClientDetail clientId="c-1" />, { path: "/clients/:clientId", url: "/clients/c-1" });
  await screen.findByRole("heading", { name: "Amina Alaoui" });
  await user.click(screen.getByRole("button", { name: "Delete" }));
  await user.click(within(await screen.findByRole("dialog")).getByRole("button", { name: "Delete" }));
  const title = await screen.findByText("This client cannot be deleted");
  const blocked = title.closest<HTMLElement>("[role=alert]");
  if (!blocked) throw new Error("the refusal is not an alert");
  return { user, calls, blocked };
}

describe("a delete refused with 409 client_delete_blocked", () => {
  it("explains the history, offers terminate, then lets an admin anonymise the terminated client", async () => {
    const { user, calls, blocked } = await refuseDelete("admin");
    expect(within(blocked).getByText("contracts or lines")).toBeInTheDocument();
    const anonymise = within(blocked).getByRole("button", { name: "Anonymise" });
    // Not terminated yet: anonymising is shown, disabled, with the reason.
    expect(anonymise).toBeDisabled();
    expect(anonymise).toHaveAccessibleDescription("Terminate the client first");

    await user.click(within(blocked).getByRole("button", { name: "Terminate client" }));
    await waitFor(() => expect(calls).toContain('patch {"status":"terminated"}'));
    // The refusal stays: the next step it offers is now possible.
    await waitFor(() => expect(within(blocked).getByRole("button", { name: "Anonymise" })).toBeEnabled());
    expect(within(blocked).getByRole("button", { name: "Terminate client" })).toBeDisabled();

    await user.click(within(blocked).getByRole("button", { name: "Anonymise" }));
    const confirm = await screen.findByRole("dialog", { name: "Anonymise Amina Alaoui?" });
    expect(calls).not.toContain("anonymise");
    await user.click(within(confirm).getByRole("button", { name: "Anonymise" }));
    await waitFor(() => expect(calls).toEqual(["delete", 'patch {"status":"terminated"}', "anonymise"]));
    expect(await screen.findByText("Client anonymised")).toBeInTheDocument();
    await waitFor(() => expect(screen.queryByText("This client cannot be deleted")).not.toBeInTheDocument());
  });

  it("keeps anonymise disabled for an operator, with the reason, even for a terminated client", async () => {
    const { blocked } = await refuseDelete("operator", { status: "terminated" });
    const anonymise = within(blocked).getByRole("button", { name: "Anonymise" });
    expect(anonymise).toBeDisabled();
    expect(anonymise).toHaveAccessibleDescription("Administrators only");
    expect(within(blocked).getByRole("button", { name: "Terminate client" })).toBeDisabled();
  });
});
