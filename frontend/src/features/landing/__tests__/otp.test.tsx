import { MantineProvider } from "@mantine/core";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { render, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { I18nextProvider } from "react-i18next";
import { describe, expect, it } from "vitest";
import { Invoices } from "@/features/landing/components/invoices";
import { createLandingI18n, loadTexts, type LandingLanguage } from "@/features/landing/lib/language";
import { landingTheme } from "@/features/landing/theme";
import { API, envelope, http, HttpResponse, server } from "@/testing/server";

const LANDING = `${API}/api/v1/landing/`;
const CIN = "AB123456";

function verification(token: string, policy: "otp" | "cin_only", channel: "sms" | "email" | null = "sms") {
  return {
    lookup_token: token,
    token_type: "landing_lookup",
    expires_at: "2026-12-01T10:15:00Z",
    expires_in: 900,
    masked_cin: "AB****56",
    masked_email: "y***@gmail.com",
    masked_phone: "+212 6** ** ** 22",
    verification: policy,
    otp_channel: channel,
  };
}

const invoice = {
  invoice_id: "7d1f4c2e-0000-4000-8000-000000000001",
  invoice_number: "FAC-2026-000123",
  period_start: "2026-11-01",
  period_end: "2026-11-30",
  issue_date: "2026-12-01",
  due_date: "2026-12-16",
  status: "issued",
  currency: "MAD",
  subtotal: "99.00",
  tax_amount: "19.80",
  total: "118.80",
  outstanding_amount: "118.80",
  document: { url: "/api/v1/landing/invoices/x/document?token=t", expires_at: "2026-12-01T10:15:00Z" },
};

/** The invoices journey in the landing's own providers; records the calls it makes. */
async function renderInvoices(language: LandingLanguage = "en") {
  const i18n = createLandingI18n(language, await loadTexts(language));
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  render(
    <I18nextProvider i18n={i18n}>
      <MantineProvider theme={landingTheme}>
        <QueryClientProvider client={client}>
          <Invoices />
        </QueryClientProvider>
      </MantineProvider>
    </I18nextProvider>,
  );
  return userEvent.setup();
}

type Calls = { verifyCin: number; codes: string[]; invoiceTokens: string[] };

/** otp policy: verify-cin sends a code (123456 is right); the invoices need the verified token. */
function otpBackend({ locked = false } = {}): Calls {
  const calls: Calls = { verifyCin: 0, codes: [], invoiceTokens: [] };
  server.use(
    http.post(`${LANDING}clients/verify-cin`, () => {
      calls.verifyCin += 1;
      if (locked && calls.verifyCin > 1)
        return envelope(429, "cin_verification_locked", "Too many checks; call MT Telecom customer service");
      return HttpResponse.json(verification(`unverified-${calls.verifyCin}`, "otp"));
    }),
    http.post(`${LANDING}clients/verify-otp`, async ({ request }) => {
      const body = (await request.json()) as { code: string; lookup_token: string; cin: string };
      calls.codes.push(body.code);
      if (body.cin !== CIN || body.code !== "123456")
        return envelope(401, "invalid_otp", "The code is wrong, expired or used up");
      return HttpResponse.json(verification("verified-token", "otp"));
    }),
    http.get(`${LANDING}clients/:cin/invoices`, ({ request }) => {
      const token = new URL(request.url).searchParams.get("lookup_token") ?? "";
      calls.invoiceTokens.push(token);
      if (token !== "verified-token") return envelope(401, "otp_required", "enter the code");
      return HttpResponse.json({ items: [invoice], total: 1, limit: 20, offset: 0 });
    }),
  );
  return calls;
}

async function enterCin(user: ReturnType<typeof userEvent.setup>) {
  await user.type(await screen.findByLabelText("CIN number"), CIN);
  await user.click(screen.getByRole("button", { name: "Continue" }));
}

describe("one-time code (otp policy)", () => {
  it("asks for the code sent by SMS on a numeric keypad with the phone's code autofill", async () => {
    otpBackend();
    const user = await renderInvoices();
    await enterCin(user);
    const field = await screen.findByLabelText("Code received");
    expect(
      screen.getByText("We sent a 6-digit code by text message to \u2066+212 6** ** ** 22\u2069."),
    ).toBeInTheDocument();
    expect(field).toHaveAttribute("inputmode", "numeric");
    expect(field).toHaveAttribute("autocomplete", "one-time-code");
    expect(field).toHaveAttribute("maxlength", "6");
    expect(field).toHaveFocus();
    // Only digits stay in the field (a pasted "12 34 56" or letters).
    await user.type(field, "12a 3");
    expect(field).toHaveValue("123");
  });

  it("refuses a short code before sending it", async () => {
    const calls = otpBackend();
    const user = await renderInvoices();
    await enterCin(user);
    await user.type(await screen.findByLabelText("Code received"), "12345");
    await user.click(screen.getByRole("button", { name: "Check the code" }));
    expect(await screen.findByText("The code has 6 digits.")).toBeInTheDocument();
    expect(calls.codes).toEqual([]);
  });

  it("explains a wrong, expired or used-up code, then opens the invoices with the right one", async () => {
    const calls = otpBackend();
    const user = await renderInvoices();
    await enterCin(user);
    const field = await screen.findByLabelText("Code received");
    await user.type(field, "654321");
    await user.click(screen.getByRole("button", { name: "Check the code" }));
    expect(await screen.findByRole("alert")).toHaveTextContent(
      "This code is not valid: it is wrong, has expired or was tried too many times.",
    );
    await user.clear(field);
    await user.type(field, "123456");
    await user.click(screen.getByRole("button", { name: "Check the code" }));
    expect(await screen.findByTestId(`invoice-${invoice.invoice_number}`)).toBeInTheDocument();
    expect(calls.codes).toEqual(["654321", "123456"]);
    // The list was read with the verified token only, never the unverified one.
    expect(calls.invoiceTokens).toEqual(["verified-token"]);
  });

  it("sends a new code on request, and names customer service once the CIN's checks are spent", async () => {
    const calls = otpBackend({ locked: true });
    const user = await renderInvoices();
    await enterCin(user);
    await screen.findByLabelText("Code received");
    await user.click(screen.getByRole("button", { name: "Send me a new code" }));
    expect(await screen.findByRole("alert")).toHaveTextContent(
      "Too many checks for this CIN number. For your security, try again later or call our customer service.",
    );
    expect(calls.verifyCin).toBe(2);
    // The code step stays, with the code already sent still usable.
    await user.type(screen.getByLabelText("Code received"), "123456");
    await user.click(screen.getByRole("button", { name: "Check the code" }));
    expect(await screen.findByTestId(`invoice-${invoice.invoice_number}`)).toBeInTheDocument();
  });

  it("says where an e-mailed code went, and a new code clears the field", async () => {
    let sent = 0;
    server.use(
      http.post(`${LANDING}clients/verify-cin`, () => {
        sent += 1;
        return HttpResponse.json(verification(`unverified-${sent}`, "otp", "email"));
      }),
    );
    const user = await renderInvoices();
    await enterCin(user);
    expect(
      await screen.findByText("We sent a 6-digit code by e-mail to \u2066y***@gmail.com\u2069."),
    ).toBeInTheDocument();
    await user.type(screen.getByLabelText("Code received"), "111");
    await user.click(screen.getByRole("button", { name: "Send me a new code" }));
    expect(await screen.findByText("A new code has just been sent to you.")).toBeInTheDocument();
    expect(screen.getByLabelText("Code received")).toHaveValue("");
    expect(sent).toBe(2);
  });

  it("a lookup still needing the code sends the customer back to the CIN step, in words", async () => {
    server.use(
      http.post(`${LANDING}clients/verify-cin`, () =>
        HttpResponse.json(verification("plain", "cin_only", null)),
      ),
      http.get(`${LANDING}clients/:cin/invoices`, () => envelope(401, "otp_required", "enter the code")),
    );
    const user = await renderInvoices();
    await enterCin(user);
    expect(
      await screen.findByText("For your security, enter the code you received to continue."),
    ).toBeInTheDocument();
    expect(screen.getByLabelText("CIN number")).toHaveValue(CIN);
  });

  it("under cin_only the CIN alone opens the invoices (no code step)", async () => {
    server.use(
      http.post(`${LANDING}clients/verify-cin`, () =>
        HttpResponse.json(verification("plain", "cin_only", null)),
      ),
      http.get(`${LANDING}clients/:cin/invoices`, () =>
        HttpResponse.json({ items: [invoice], total: 1, limit: 20, offset: 0 }),
      ),
    );
    const user = await renderInvoices();
    await enterCin(user);
    expect(await screen.findByTestId(`invoice-${invoice.invoice_number}`)).toBeInTheDocument();
    expect(screen.queryByLabelText("Code received")).toBeNull();
  });

  it("in Arabic the code step reads right to left with the digits left to right", async () => {
    otpBackend();
    const user = await renderInvoices("ar");
    await user.type(await screen.findByLabelText("رقم البطاقة الوطنية"), CIN);
    await user.click(screen.getByRole("button", { name: "متابعة" }));
    const field = await screen.findByLabelText("الرمز المستلم");
    expect(document.documentElement).toHaveAttribute("dir", "rtl");
    expect(field.closest("[dir=ltr]")).not.toBeNull();
    await user.type(field, "000000");
    await user.click(screen.getByRole("button", { name: "تحقق من الرمز" }));
    await waitFor(() => expect(screen.getByRole("alert")).toHaveTextContent("هذا الرمز غير صالح"));
  });
});
