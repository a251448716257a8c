import { MantineProvider } from "@mantine/core";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { I18nextProvider } from "react-i18next";
import { describe, expect, it } from "vitest";
import type { Bootstrap } from "@/features/landing/api/bootstrap";
import { PlanChange } from "@/features/landing/components/plan-change";
import { createLandingI18n, loadTexts } from "@/features/landing/lib/language";
import { landingTheme } from "@/features/landing/theme";
import { API, http, HttpResponse, server } from "@/testing/server";

const LANDING = `${API}/api/v1/landing/`;

const bootstrap = {
  categories: [],
  contract_start_dates: { earliest: "2026-12-01", latest: "2027-03-01" },
  legal_texts: [],
  verification: "cin_only",
} as unknown as Bootstrap;

async function renderPlanChange() {
  const i18n = createLandingI18n("en", await loadTexts("en"));
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  render(
    <I18nextProvider i18n={i18n}>
      <MantineProvider theme={landingTheme}>
        <QueryClientProvider client={client}>
          <PlanChange bootstrap={bootstrap} go={() => undefined} />
        </QueryClientProvider>
      </MantineProvider>
    </I18nextProvider>,
  );
  return userEvent.setup();
}

describe("a plan change for a CIN with no live subscription", () => {
  it("says so and offers only to go back to the CIN, not an empty list and a Continue that goes nowhere", async () => {
    // verify-cin answers every well-formed CIN alike (docs/landing.md); the list is simply empty.
    server.use(
      http.post(`${LANDING}clients/verify-cin`, () =>
        HttpResponse.json({
          lookup_token: "token",
          token_type: "landing_lookup",
          expires_at: "2026-12-01T10:15:00Z",
          expires_in: 900,
          masked_cin: "ZZ****99",
          masked_email: null,
          masked_phone: null,
          verification: "cin_only",
          otp_channel: null,
        }),
      ),
      http.get(`${LANDING}clients/:cin/subscriptions`, () =>
        HttpResponse.json({ items: [], total: 0, limit: 50, offset: 0 }),
      ),
    );
    const user = await renderPlanChange();
    await user.type(screen.getByRole("textbox", { name: /CIN number/ }), "ZZ999999");
    await user.click(screen.getByRole("button", { name: /Continue/ }));

    expect(
      await screen.findByText("No active subscription is linked to this CIN number."),
    ).toBeInTheDocument();
    expect(screen.queryByRole("radiogroup")).not.toBeInTheDocument();
    expect(screen.queryByRole("button", { name: /Continue/ })).not.toBeInTheDocument();

    await user.click(screen.getByRole("button", { name: /Back/ }));
    expect(await screen.findByRole("textbox", { name: /CIN number/ })).toHaveValue("ZZ999999");
  });
});

describe("plan change with the keyboard", () => {
  it("takes the focus to each new step's heading, says out loud why Continue does not go on, and Enter on a line submits", async () => {
    server.use(
      http.post(`${LANDING}clients/verify-cin`, () =>
        HttpResponse.json({
          lookup_token: "token",
          token_type: "landing_lookup",
          expires_at: "2026-12-01T10:15:00Z",
          expires_in: 900,
          masked_cin: "ZZ****99",
          masked_email: null,
          masked_phone: null,
          verification: "cin_only",
          otp_channel: null,
        }),
      ),
      http.get(`${LANDING}clients/:cin/subscriptions`, () =>
        HttpResponse.json({
          items: [
            {
              contract_id: "9a8b7c6d-0000-4000-8000-000000000001",
              contract_number: "CT-2026-000042",
              masked_line_number: "+212 6** ** ** 01",
              status: "active",
              start_date: "2026-11-01",
              monthly_fee: "99.00",
              offer: { id: "o1", code: "MOB-S", name: "Mobile Essentiel", category: "mobile" },
            },
          ],
          total: 1,
          limit: 50,
          offset: 0,
        }),
      ),
    );
    const user = await renderPlanChange();
    await user.type(screen.getByRole("textbox", { name: /CIN number/ }), "ZZ999999{Enter}");

    const heading = await screen.findByRole("heading", { name: "Choose the line" });
    // Before, the focus was left on the page's body: the Continue that was pressed had gone.
    expect(heading).toHaveFocus();
    await screen.findByText("Mobile Essentiel");
    await user.click(screen.getByRole("button", { name: /Continue/ }));
    expect(await screen.findByRole("alert")).toHaveTextContent("Choose a line.");

    // Enter on a line's card chooses it and submits the step (it only chose it before).
    screen.getByRole("radio", { name: /Mobile Essentiel/ }).focus();
    await user.keyboard("{Enter}");
    expect(await screen.findByRole("heading", { name: "Choose the new offer" })).toHaveFocus();
  });
});
