import { screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { ProvisionForm } from "@/features/contracts/components/provision-form";
import { renderPage, signInAs } from "@/testing/render";
import { API, envelope, http, HttpResponse, server } from "@/testing/server";

const client = { id: "c-1", display_name: "Amina Alaoui", cin: "AB123456", phone: "+212655334422" };
const offer = {
  id: "o-2",
  code: "MOB-50",
  name: "Mobile 50",
  category: "mobile",
  service_type: "mobile",
  monthly_fee: "199.00",
  activation_fee: "0.00",
  status: "active",
};
const oldOffer = { ...offer, id: "o-1", code: "MOB-20", name: "Mobile 20", monthly_fee: "99.00" };
const candidate = (n: number) => ({
  contract_id: `k-${n}`,
  contract_number: `CT-2026-00000${n}`,
  offer_id: "o-1",
  service_type: "mobile",
  phone_number: `+21260000000${n}`,
  start_date: "2026-01-01",
  monthly_fee: "99.00",
  loc: ["body", "target_contract_id"],
  msg: "candidate",
  type: "provisioning_ambiguous",
});
const contract = (id: string, offerId: string, fee: string, extra: Record<string, unknown> = {}) => ({
  id,
  contract_number: `CT-2026-${id}`,
  client_id: "c-1",
  offer_id: offerId,
  subscriber_id: "s-1",
  phone_number: "+212600000002",
  service_type: "mobile",
  status: "active",
  decision: "upgraded",
  start_date: "2026-12-01",
  end_date: null,
  replaced_contract_id: null,
  monthly_fee: fee,
  activation_fee: "0.00",
  activation_fee_pending: false,
  ...extra,
});

type Sent = { body: Record<string, unknown>; key: string | null };

function serve(answers: ((sent: Sent) => Response)[]) {
  const sent: Sent[] = [];
  server.use(
    http.get(`${API}/api/v1/clients/c-1`, () => HttpResponse.json(client)),
    http.get(`${API}/api/v1/offers`, () =>
      HttpResponse.json({ items: [offer, oldOffer], total: 2, limit: 200, offset: 0 }),
    ),
    http.get(`${API}/api/v1/offer-categories`, () =>
      HttpResponse.json({ categories: [{ category: "mobile", label: "Mobile", offers: [offer] }] }),
    ),
    http.post(`${API}/api/v1/contracts`, async ({ request }) => {
      const entry = {
        body: (await request.json()) as Record<string, unknown>,
        key: request.headers.get("Idempotency-Key"),
      };
      sent.push(entry);
      const answer = answers[sent.length - 1];
      return answer ? answer(entry) : HttpResponse.error();
    }),
  );
  return sent;
}

async function fillAndSubmit(user: ReturnType<typeof userEvent.setup>) {
  await user.click(await screen.findByRole("combobox", { name: /^Offer/ }));
  await user.click(await screen.findByRole("option", { name: /MOB-50/, hidden: true }));
  await user.click(screen.getByRole("button", { name: "Provision the contract" }));
}

describe("provisioning a contract", { timeout: 180_000 }, () => {
  it("offers the candidates of a provisioning_ambiguous answer and resends with the chosen target_contract_id", async () => {
    const sent = serve([
      () => envelope(409, "provisioning_ambiguous", "Several contracts fit", [candidate(1), candidate(2)]),
      () =>
        HttpResponse.json(
          {
            decision: "upgraded",
            contract: contract("000003", "o-2", "199.00", { replaced_contract_id: "k-2" }),
            subscriber: {
              id: "s-1",
              phone_number: "+212600000002",
              service_type: "mobile",
              status: "active",
            },
            replaced_contract: contract("000002", "o-1", "99.00", {
              end_date: "2026-11-30",
              status: "terminated",
            }),
          },
          { status: 201 },
        ),
    ]);
    signInAs("operator");
    renderPage(<ProvisionForm initialClientId="c-1" />);
    const user = userEvent.setup({ delay: null });
    await fillAndSubmit(user);

    await user.click(await screen.findByRole("radio", { name: /CT-2026-000002/ }));
    await user.click(screen.getByRole("button", { name: "Change this contract's plan" }));

    expect(await screen.findByTestId("provisioning-decision")).toHaveTextContent("Upgraded");
    expect(screen.getByText(/upgraded from MOB-20 — Mobile 20 to MOB-50 — Mobile 50/)).toBeInTheDocument();
    expect(screen.getByText("Ends on 30 Nov 2026")).toBeInTheDocument();
    expect(Object.keys(sent[0]!.body).sort()).toEqual([
      "client_id",
      "contract_start_date",
      "intent",
      "offer_id",
    ]);
    expect(sent[0]!.body).toMatchObject({ client_id: "c-1", offer_id: "o-2", intent: "auto" });
    expect(sent[1]!.body).toMatchObject({ intent: "auto", target_contract_id: "k-2" });
    // Another body is another request: it gets its own key, so the backend does not see a key conflict.
    expect(sent[1]!.key).not.toBe(sent[0]!.key);
  });

  it("keeps the Idempotency-Key when the same request is sent again after a lost answer", async () => {
    const sent = serve([
      () => HttpResponse.error(),
      () =>
        HttpResponse.json(
          {
            decision: "created",
            contract: contract("000009", "o-2", "199.00", { decision: "created" }),
            subscriber: {
              id: "s-1",
              phone_number: "+212600000009",
              service_type: "mobile",
              status: "active",
            },
            replaced_contract: null,
          },
          { status: 201 },
        ),
    ]);
    signInAs("operator");
    renderPage(<ProvisionForm initialClientId="c-1" />);
    const user = userEvent.setup({ delay: null });
    await fillAndSubmit(user);
    await waitFor(() => expect(sent).toHaveLength(1));
    expect(await screen.findByText(/The server does not answer/)).toBeInTheDocument();
    await user.click(screen.getByRole("button", { name: "Provision the contract" }));
    expect(await screen.findByTestId("provisioning-decision")).toHaveTextContent("Created");
    expect(sent).toHaveLength(2);
    expect(sent[0]!.key).toMatch(/^[0-9a-f-]{36}$/);
    expect(sent[1]!.key).toBe(sent[0]!.key);
  });

  it("puts a 422 on the numbering field it names", async () => {
    serve([
      () =>
        envelope(422, "validation_error", "Invalid body", [
          { loc: ["body", "requested_mobile_local_number"], msg: "number is not free", type: "value_error" },
        ]),
    ]);
    signInAs("operator");
    renderPage(<ProvisionForm initialClientId="c-1" />);
    const user = userEvent.setup({ delay: null });
    await user.click(await screen.findByRole("combobox", { name: /^Offer/ }));
    await user.click(await screen.findByRole("option", { name: /MOB-50/, hidden: true }));
    await user.click(screen.getByRole("radio", { name: "Preferred number" }));
    await user.type(screen.getByRole("textbox", { name: /Preferred new number/ }), "0655334422");
    expect(screen.getByText("→ +212 6 55 33 44 22")).toBeInTheDocument();
    await user.click(screen.getByRole("button", { name: "Provision the contract" }));
    expect(await screen.findByText("number is not free")).toBeInTheDocument();
  });

  it("tells a business refusal on its field in the page's language, not in the API's English", async () => {
    serve([
      () =>
        envelope(422, "service_type_incompatible", "Offer MOB-50 is for mobile lines; this line is fiber.", [
          {
            loc: ["body", "offer_id"],
            msg: "Offer MOB-50 is for mobile lines; this line is fiber.",
            type: "value_error",
          },
        ]),
    ]);
    signInAs("operator");
    renderPage(<ProvisionForm initialClientId="c-1" />, { language: "fr" });
    const user = userEvent.setup({ delay: null });
    await user.click(await screen.findByRole("combobox", { name: /^Offre/ }));
    await user.click(await screen.findByRole("option", { name: /MOB-50/, hidden: true }));
    await user.click(screen.getByRole("button", { name: "Provisionner le contrat" }));
    expect(
      await screen.findByText("La catégorie de cette offre ne convient pas à cette ligne."),
    ).toBeInTheDocument();
    expect(screen.queryByText(/this line is fiber/)).not.toBeInTheDocument();
  });
});
