import { render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { LandingApp } from "@/features/landing/landing-app";
import { API, envelope, http, HttpResponse, server } from "@/testing/server";

const LANDING = `${API}/api/v1/landing/`;
const DRAFT_ID = "3f0c2b9e-1d2a-4c5b-8e7f-0a1b2c3d4e5f";
const CONTRACT_ID = "9a8b7c6d-0000-4000-8000-000000000001";
const CIN = "AB123456";

const offer = {
  id: "6f1c2a52-0000-4000-8000-000000000001",
  code: "MOB-S",
  name: "Mobile Essentiel",
  description: null,
  category: "mobile",
  service_type: "mobile",
  monthly_fee: "99.00",
  activation_fee: "0.00",
  valid_to: null,
  mobile_data_gb: "10",
  mobile_calls_hours: "5",
  internet_access_type: null,
  internet_fiber_speed_mbps: null,
  internet_adsl_speed_mbps: null,
  internet_landline_included: null,
  internet_tv_included: null,
  landline_national_included: null,
  landline_international_hours: null,
  landline_phone_hours: null,
};

// The legal texts as the API words them in each language (backend app/landing/legal.py).
const LEGAL = {
  fr: ["Conditions générales d'abonnement", "L'abonnement commence à la date de début choisie."],
  en: ["Terms of subscription", "The subscription starts on the chosen start date."],
  ar: ["الشروط العامة للاشتراك", "يبدأ الاشتراك في تاريخ البدء المختار."],
} as const;
type Language = keyof typeof LEGAL;

// The version of the texts the API serves now; a test may change it while the review is on screen.
const texts = { version: "2026-11", titleSuffix: "" };

function bootstrap(language: Language, verification: "cin_only" | "otp") {
  const [baseTitle, body] = LEGAL[language];
  const title = `${baseTitle}${texts.titleSuffix}`;
  return {
    categories: [{ category: "mobile", label: "Mobile", numbering: "mobile", offers: [offer] }],
    number_formats: {
      canonical_pattern: "^\\+212[5-8][0-9]{8}$",
      accepted_examples: ["06 55 33 44 22"],
      mobile_first_digits: ["6", "7"],
      landline_first_digits: ["5", "8"],
      cin_pattern: "^[A-Z]{1,2}[0-9]{1,8}$",
      cin_help: "1 or 2 letters then up to 8 digits",
    },
    contract_start_dates: { earliest: "2026-12-01", latest: "2027-03-01" },
    legal_texts: [{ id: "terms_of_subscription", version: texts.version, language, title, body }],
    draft_lifetime_days: 7,
    lookup_token_minutes: 15,
    verification,
  };
}

const draft = {
  id: DRAFT_ID,
  status: "open",
  answers: {
    current_step: "review",
    cin: CIN,
    first_name: "Yasmine",
    last_name: "Benali",
    email: "yasmine.benali@gmail.com",
    phone: "+212661234522",
    offer_id: offer.id,
    requested_mobile_local_number: null,
    existing_mobile_local_number: null,
    home_landline_local_number: null,
    contract_start_date: "2026-12-08",
    terms_accepted: null,
  },
  expires_at: "2026-12-08T10:00:00Z",
  submitted_at: null,
  contract_id: null,
  created_at: "2026-12-01T10:00:00Z",
  updated_at: "2026-12-01T10:00:00Z",
};

const future = () => new Date(Date.now() + 15 * 60_000).toISOString();

function verification(token: string) {
  return {
    lookup_token: token,
    token_type: "landing_lookup",
    expires_at: future(),
    expires_in: 900,
    masked_cin: "AB****56",
    masked_email: "y***@gmail.com",
    masked_phone: "+212 6** ** ** 22",
    verification: "otp",
    otp_channel: "sms",
  };
}

function subscribed(documentExpiresAt: string) {
  return {
    contract: {
      contract_id: CONTRACT_ID,
      contract_number: "CT-2026-000042",
      decision: "created",
      status: "active",
      service_type: "mobile",
      offer: { id: offer.id, code: offer.code, name: offer.name, category: "mobile" },
      start_date: "2026-12-08",
      monthly_fee: "99.00",
      activation_fee: "0.00",
      masked_line_number: "+212 6** ** ** 01",
    },
    client: {
      masked_cin: "AB****56",
      masked_email: "y***@gmail.com",
      masked_phone: "+212 6** ** ** 22",
      reused_existing_client: true,
    },
    document: {
      url: `/api/v1/landing/contracts/${CONTRACT_ID}/document?token=t`,
      expires_at: documentExpiresAt,
    },
    draft_id: DRAFT_ID,
  };
}

type Submit = { key: string | null; body: Record<string, unknown> };
type Calls = {
  bootstrapLanguages: string[];
  submits: Submit[];
  verifyCin: string[];
  codes: string[];
  documentLinkTokens: string[];
};

/**
 * The API of a client already on file under the `otp` policy: submit/new is refused until it carries the
 * token verify-otp hands out for the code 123456.
 */
function backend({
  verification: policy = "otp",
  documentExpiresAt = future(),
  existingClient = true,
}: { verification?: "cin_only" | "otp"; documentExpiresAt?: string; existingClient?: boolean } = {}) {
  const calls: Calls = {
    bootstrapLanguages: [],
    submits: [],
    verifyCin: [],
    codes: [],
    documentLinkTokens: [],
  };
  server.use(
    http.get(`${LANDING}bootstrap`, ({ request }) => {
      const lang = new URL(request.url).searchParams.get("lang") ?? "";
      calls.bootstrapLanguages.push(lang);
      if (lang !== "fr" && lang !== "en" && lang !== "ar")
        return envelope(422, "validation_error", "bad lang", [{ loc: ["query", "lang"] }]);
      return HttpResponse.json(bootstrap(lang, policy));
    }),
    http.get(`${LANDING}drafts/:id`, () => HttpResponse.json(draft)),
    http.post(`${LANDING}submit/new`, async ({ request }) => {
      const body = (await request.json()) as Record<string, unknown>;
      calls.submits.push({ key: request.headers.get("Idempotency-Key"), body });
      const accepted = body.accepted_legal_texts as { version: string }[] | undefined;
      if (accepted?.some((text) => text.version !== texts.version))
        return envelope(409, "legal_text_outdated", "The legal texts changed.", [
          { loc: ["body", "accepted_legal_texts", 0, "version"], msg: "outdated", type: "value_error" },
        ]);
      if (existingClient && body.lookup_token !== "verified-token")
        return envelope(409, "subscription_refused", "This subscription cannot be accepted online.");
      return HttpResponse.json(subscribed(documentExpiresAt), { status: 201 });
    }),
    http.post(`${LANDING}clients/verify-cin`, async ({ request }) => {
      const { cin } = (await request.json()) as { cin: string };
      calls.verifyCin.push(cin);
      return HttpResponse.json(verification(`unverified-${calls.verifyCin.length}`));
    }),
    http.post(`${LANDING}clients/verify-otp`, async ({ request }) => {
      const body = (await request.json()) as { cin: string; lookup_token: string; code: string };
      calls.codes.push(body.code);
      if (body.cin !== CIN || body.code !== "123456")
        return envelope(401, "invalid_otp", "The code is wrong, expired or used up");
      return HttpResponse.json(verification("verified-token"));
    }),
    http.post(`${LANDING}contracts/:id/document-link`, async ({ request }) => {
      const body = (await request.json()) as { lookup_token: string };
      calls.documentLinkTokens.push(body.lookup_token);
      if (body.lookup_token !== "verified-token") return envelope(401, "otp_required", "enter the code");
      return HttpResponse.json({
        url: `/api/v1/landing/contracts/${CONTRACT_ID}/document?token=u`,
        expires_at: future(),
      });
    }),
  );
  return calls;
}

/** The whole landing, opened on a draft that reached the review step. */
function openReview(language: Language) {
  window.history.replaceState(null, "", `/landing?journey=subscribe&lang=${language}#draft=${DRAFT_ID}`);
  render(<LandingApp />);
  return userEvent.setup();
}

async function confirm(user: ReturnType<typeof userEvent.setup>) {
  await user.click(await screen.findByLabelText("I have read and accept the terms above."));
  await user.click(screen.getByRole("button", { name: "Confirm my subscription" }));
}

beforeEach(() => {
  sessionStorage.clear();
  Object.assign(texts, { version: "2026-11", titleSuffix: "" });
  // A download goes through an anchor; jsdom does not navigate.
  vi.spyOn(HTMLAnchorElement.prototype, "click").mockImplementation(() => {});
});
afterEach(() => {
  vi.restoreAllMocks();
});

describe("review step: legal texts in the customer's language", () => {
  it("asks the bootstrap in the page's language and shows its texts, again after a switch to Arabic", async () => {
    const calls = backend();
    const user = openReview("fr");
    const title = await screen.findByText(LEGAL.fr[0]);
    expect(title.closest("details")).toHaveAttribute("lang", "fr");
    expect(calls.bootstrapLanguages).toEqual(["fr"]);

    await user.click(screen.getByRole("button", { name: "العربية" }));

    const arabic = await screen.findByText(LEGAL.ar[0]);
    expect(arabic.closest("details")).toHaveAttribute("lang", "ar");
    expect(screen.queryByText(LEGAL.fr[0])).toBeNull();
    expect(document.documentElement).toHaveAttribute("dir", "rtl");
    expect(calls.bootstrapLanguages).toEqual(["fr", "ar"]);
    // The wizard kept its place and answers through the switch.
    expect(screen.getByRole("button", { name: "تأكيد اشتراكي" })).toBeInTheDocument();
  });

  it("in English the texts are the English ones", async () => {
    const calls = backend();
    openReview("en");
    expect(await screen.findByText(LEGAL.en[0])).toBeInTheDocument();
    expect(calls.bootstrapLanguages).toEqual(["en"]);
  });
});

describe("review step: which wording the customer accepted", () => {
  it("sends the texts it showed, in their language", async () => {
    const calls = backend({ verification: "cin_only", existingClient: false });
    const user = openReview("en");
    await confirm(user);

    expect(await screen.findByText("CT-2026-000042")).toBeInTheDocument();
    expect(calls.submits.map((submit) => submit.body.accepted_legal_texts)).toEqual([
      [{ id: "terms_of_subscription", version: "2026-11", language: "en" }],
    ]);
  });

  it("texts updated meanwhile: shows the new ones, asks again, resends the same subscription", async () => {
    const calls = backend({ verification: "cin_only", existingClient: false });
    const user = openReview("en");
    expect(await screen.findByText(LEGAL.en[0])).toBeInTheDocument();
    Object.assign(texts, { version: "2027-01", titleSuffix: " (January 2027)" });

    await confirm(user);

    expect(await screen.findByRole("alert")).toHaveTextContent("Our terms have just been updated");
    expect(await screen.findByText(`${LEGAL.en[0]} (January 2027)`)).toBeInTheDocument();
    const box = screen.getByLabelText("I have read and accept the terms above.");
    expect(box).not.toBeChecked();
    await confirm(user);

    expect(await screen.findByText("CT-2026-000042")).toBeInTheDocument();
    expect(calls.submits.map((submit) => submit.body.accepted_legal_texts)).toEqual([
      [{ id: "terms_of_subscription", version: "2026-11", language: "en" }],
      [{ id: "terms_of_subscription", version: "2027-01", language: "en" }],
    ]);
    const [first, second] = calls.submits;
    expect(second?.key).toBe(first?.key);
  });
});

describe("review step: an existing client under the otp policy", () => {
  it("confirms with the code, then sends the same subscription with the verified token and the same key", async () => {
    const calls = backend();
    const user = openReview("en");
    await confirm(user);

    // The same words whatever the refusal's reason: nothing is asked of the API before the customer acts.
    const offerToConfirm = await screen.findByRole("alert");
    expect(offerToConfirm).toHaveTextContent("Already a client?");
    expect(offerToConfirm).toHaveTextContent("confirm that it is you");
    expect(screen.queryByText(/Please call our customer service\.$/)).toBeNull();
    expect(calls.verifyCin).toEqual([]);

    await user.click(screen.getByRole("button", { name: "Send me the code" }));
    const field = await screen.findByLabelText("Code received");
    expect(calls.verifyCin).toEqual([CIN]);
    expect(field).toHaveAttribute("inputmode", "numeric");
    expect(field).toHaveAttribute("autocomplete", "one-time-code");
    expect(field).toHaveFocus();
    expect(
      screen.getByText("We sent a 6-digit code by text message to \u2066+212 6** ** ** 22\u2069."),
    ).toBeInTheDocument();

    await user.type(field, "654321");
    await user.click(screen.getByRole("button", { name: "Check the code" }));
    expect(await screen.findByRole("alert")).toHaveTextContent(
      "This code is not valid: it is wrong, has expired or was tried too many times.",
    );
    expect(calls.submits).toHaveLength(1);

    await user.clear(field);
    await user.type(field, "123456");
    await user.click(screen.getByRole("button", { name: "Check the code" }));

    expect(await screen.findByTestId("contract-number")).toHaveTextContent("CT-2026-000042");
    expect(calls.codes).toEqual(["654321", "123456"]);
    const [refused, accepted] = calls.submits;
    expect(calls.submits).toHaveLength(2);
    expect(refused?.body.lookup_token).toBeUndefined();
    expect(accepted?.body.lookup_token).toBe("verified-token");
    expect(accepted?.key).toBeTruthy();
    expect(accepted?.key).toBe(refused?.key);
    expect(accepted?.body).toEqual({ ...refused?.body, lookup_token: "verified-token" });
  });

  it("the contract download asks a fresh link with the verified token, without a new code", async () => {
    const calls = backend({ documentExpiresAt: "2026-01-01T00:00:00Z" });
    const user = openReview("en");
    await confirm(user);
    await user.click(await screen.findByRole("button", { name: "Send me the code" }));
    await user.type(await screen.findByLabelText("Code received"), "123456");
    await user.click(screen.getByRole("button", { name: "Check the code" }));
    await screen.findByTestId("contract-number");

    await user.click(screen.getByRole("button", { name: "Download my contract (PDF)" }));

    await waitFor(() => expect(calls.documentLinkTokens).toEqual(["verified-token"]));
    expect(calls.verifyCin).toEqual([CIN]);
    expect(screen.queryByRole("alert")).toBeNull();
  });

  it("a new client whose link expired confirms with the code sent on download, then downloads", async () => {
    const calls = backend({ documentExpiresAt: "2026-01-01T00:00:00Z", existingClient: false });
    const user = openReview("en");
    await confirm(user);
    await screen.findByTestId("contract-number");
    expect(calls.submits).toHaveLength(1);

    await user.click(screen.getByRole("button", { name: "Download my contract (PDF)" }));
    const field = await screen.findByLabelText("Code received");
    expect(calls.verifyCin).toEqual([CIN]);
    expect(calls.documentLinkTokens).toEqual([]);
    await user.type(field, "123456");
    await user.click(screen.getByRole("button", { name: "Check the code" }));
    await waitFor(() => expect(screen.queryByLabelText("Code received")).toBeNull());

    await user.click(screen.getByRole("button", { name: "Download my contract (PDF)" }));
    await waitFor(() => expect(calls.documentLinkTokens).toEqual(["verified-token"]));
    expect(calls.verifyCin).toEqual([CIN]);
  });

  it("under cin_only the refusal stays the plain one, with no code to ask for", async () => {
    const calls = backend({ verification: "cin_only" });
    const user = openReview("en");
    await confirm(user);
    const alert = await screen.findByRole("alert");
    expect(alert).toHaveTextContent(
      "We cannot register this subscription online. Please call our customer service.",
    );
    expect(within(alert).queryByText("Already a client?")).toBeNull();
    expect(screen.queryByRole("button", { name: "Send me the code" })).toBeNull();
    expect(calls.verifyCin).toEqual([]);
  });

  it("in Arabic the offer to confirm reads right to left", async () => {
    backend();
    const user = openReview("ar");
    await user.click(await screen.findByLabelText("قرأت الشروط أعلاه وأوافق عليها."));
    await user.click(screen.getByRole("button", { name: "تأكيد اشتراكي" }));
    expect(await screen.findByRole("alert")).toHaveTextContent("هل أنت زبون لدينا؟");
    expect(document.documentElement).toHaveAttribute("dir", "rtl");
    await user.click(screen.getByRole("button", { name: "أرسل لي الرمز" }));
    const field = await screen.findByLabelText("الرمز المستلم");
    expect(field.closest("[dir=ltr]")).not.toBeNull();
  });
});

describe("review step: keyboard and screen-reader use", () => {
  it("opens with the focus on the step's heading", async () => {
    backend({ verification: "cin_only", existingClient: false });
    openReview("en");
    const heading = await screen.findByRole("heading", { name: "Check and confirm" });
    await waitFor(() => expect(heading).toHaveFocus());
  });

  it("says why it does not submit without the box ticked, out loud (an alert)", async () => {
    const calls = backend({ verification: "cin_only", existingClient: false });
    const user = openReview("en");
    await screen.findByText(LEGAL.en[0]);
    await user.click(screen.getByRole("button", { name: "Confirm my subscription" }));
    expect(await screen.findByRole("alert")).toHaveTextContent("You must accept the terms to continue.");
    expect(calls.submits).toEqual([]);
  });

  it("moves the focus to the confirmation's heading once submitted (the pressed button has gone)", async () => {
    backend({ verification: "cin_only", existingClient: false });
    const user = openReview("en");
    await confirm(user);
    const heading = await screen.findByRole("heading", { name: "All done!" });
    await waitFor(() => expect(heading).toHaveFocus());
  });

  it("a field the API refuses takes the focus on its step, so its message is read out", async () => {
    backend({ verification: "cin_only", existingClient: false });
    server.use(
      http.post(`${LANDING}submit/new`, () =>
        envelope(422, "validation_error", "Invalid e-mail", [
          { loc: ["body", "email"], msg: "not an e-mail", type: "value_error" },
        ]),
      ),
    );
    const user = openReview("en");
    await confirm(user);
    const field = await screen.findByRole("textbox", { name: /E-mail/ });
    await waitFor(() => expect(field).toHaveFocus());
    expect(field).toHaveAccessibleDescription(/Enter a valid e-mail address/);
  });
});
