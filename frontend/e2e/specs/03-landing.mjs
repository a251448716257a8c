// Client journeys at /landing (issue 13) on the real backend: subscribe (mobile, internet), resume a draft
// after a reload, a double click on submit, a plan change, an invoice download after a billing run, the
// subscription in Arabic at 360 px, axe on every step in fr/en/ar, screenshots of each step at 360 and
// 1280 px in French and Arabic, and the first contentful paint of /landing.
//
// Run with MTF_LANDING_VERIFICATION=otp in the environment (the harness passes it to the backend) and the
// plan change and billing journeys go through the one-time code step, reading the code from the server's
// development log line.
import { readFileSync } from "node:fs";
import {
  api,
  base,
  browser,
  check,
  serverLog,
  shots,
  sidewaysOverflow,
  signedInPage,
  test,
} from "../harness.mjs";

const otp = process.env.MTF_LANDING_VERIFICATION === "otp";
const today = new Date().toISOString().slice(0, 10);
const monthStart = `${today.slice(0, 8)}01`;
const stamp = String(Date.now()).slice(-5);
let serial = 0;
const newCin = () => `LA${stamp}${serial++}`;
const newMobile = () => `06${String(Math.floor(Math.random() * 1e8)).padStart(8, "0")}`;
const newLandline = () => `052${String(Math.floor(Math.random() * 1e7)).padStart(7, "0")}`;
const problems = [];

// --- seeding through the staff API -------------------------------------------------------------------
// On sale since the 1st: the billed client's contract starts then.
const offer = (body) =>
  api("POST", "/api/v1/offers", { activation_fee: "0.00", valid_from: monthStart, ...body });
const mobileStarter = await offer({
  code: `MOB-S-${stamp}`,
  name: "Mobile Essentiel",
  category: "mobile",
  monthly_fee: "99.00",
  mobile_data_gb: 10,
  mobile_calls_hours: 5,
});
const mobilePremium = await offer({
  code: `MOB-P-${stamp}`,
  name: "Mobile Illimité",
  category: "mobile",
  monthly_fee: "199.00",
  activation_fee: "50.00",
  mobile_data_gb: 100,
  mobile_calls_hours: 40,
});
const fiber = await offer({
  code: `FIB-${stamp}`,
  name: "Fibre 200",
  category: "internet",
  monthly_fee: "349.00",
  internet_access_type: "fiber",
  internet_fiber_speed_mbps: 200,
  internet_landline_included: true,
  internet_tv_included: true,
});

/** A client with one mobile contract, created by staff (not through the landing). */
async function seedClient(firstName, lastName, startDate) {
  const cin = newCin();
  const client = await api("POST", "/api/v1/clients", {
    cin,
    first_name: firstName,
    last_name: lastName,
    email: `${firstName.toLowerCase()}.${stamp}@example.ma`,
    phone: newMobile(),
    city: "Rabat",
  });
  const provisioned = await api("POST", "/api/v1/contracts", {
    client_id: client.id,
    offer_id: mobileStarter.id,
    contract_start_date: startDate,
    intent: "new_line",
  });
  return { cin, client, contract: provisioned.contract };
}

const contractsOf = async (cin) => {
  const clients = await api("GET", `/api/v1/clients?q=${cin}`);
  if (clients.items.length !== 1) throw new Error(`clients for ${cin}: ${clients.items.length}`);
  return (await api("GET", `/api/v1/contracts?client_id=${clients.items[0].id}`)).items;
};

// --- page helpers ------------------------------------------------------------------------------------
async function newPage({ width = 1280, language } = {}) {
  const context = await browser.newContext({
    acceptDownloads: true,
    viewport: { width, height: 800 },
    locale: "fr-FR",
  });
  const page = await context.newPage();
  page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
  page.refusals = [];
  page.on("response", async (response) => {
    if (response.url().includes("/api/v1/landing/") && response.status() >= 400)
      page.refusals.push(
        `${response.request().method()} ${new URL(response.url()).pathname} ${response.status()} ${await response.text().catch(() => "")}`,
      );
  });
  if (language) {
    await page.goto(`${base}/landing`);
    await page.evaluate((l) => localStorage.setItem("mtf.landing.language", l), language);
  }
  return page;
}

const settle = async (page) => {
  await page.waitForLoadState("networkidle");
  await page.evaluate(() => document.fonts.ready);
};

/** What a phone user would trip on: sideways scrolling, targets under 44 px. */
async function phoneProblems(page, name) {
  const overflow = await sidewaysOverflow(page);
  if (overflow > 0) problems.push(`${name}: scrolls sideways (${overflow} px too wide)`);
  const found = await page.evaluate(() => {
    const out = [];
    const targets = document.querySelectorAll(
      "button, a[href], input:not([type=checkbox]):not([type=radio]), summary, [role=radio], label:has(input[type=checkbox])",
    );
    // A label cut short by its button (Mantine's are one clipped line): the end of its words is lost.
    for (const label of document.querySelectorAll(".mantine-Button-label")) {
      if (label.scrollWidth > label.clientWidth + 1)
        out.push(
          `button label "${(label.textContent ?? "").trim().slice(0, 40)}" cut (${label.scrollWidth} px in ${label.clientWidth})`,
        );
    }
    for (const element of targets) {
      const box = element.getBoundingClientRect();
      if (!box.width || !box.height || element.closest("[aria-hidden=true]")) continue;
      if (element.classList.contains("landing-skip")) continue;
      if (box.height < 44 || box.width < 44)
        out.push(
          `${element.tagName.toLowerCase()} "${(element.textContent ?? "").trim().slice(0, 30)}" ${Math.round(box.width)}x${Math.round(box.height)}`,
        );
    }
    return out;
  });
  for (const problem of found) problems.push(`${name}: ${problem}`);
}

/**
 * Amounts and phone numbers read left to right in every language, standalone or inside a sentence: the
 * number before "MAD", "+212" (or "06") before the last digit group. Measured on screen, character by
 * character, because bidi reordering is only visible there (Arabic sentences showed "MAD 357,60").
 */
async function numbersReadLeftToRight(page, name) {
  const found = await page.evaluate(() => {
    const out = [];
    const box = (node, start, end) => {
      const range = document.createRange();
      range.setStart(node, start);
      range.setEnd(node, end);
      return range.getBoundingClientRect();
    };
    const walker = document.createTreeWalker(document.querySelector("main"), NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const text = node.textContent ?? "";
      if (!node.parentElement?.checkVisibility()) continue;
      for (const match of text.matchAll(/\d[\d.,\u202f\u00a0 ]*\d,?\d*\u00a0MAD/g)) {
        const end = match.index + match[0].length;
        const number = box(node, match.index, match.index + 1);
        const currency = box(node, end - 3, end);
        if (!(number.left < currency.left))
          out.push(`amount "${match[0]}" reads "MAD" first in "${text.trim()}"`);
      }
      for (const match of text.matchAll(/(?:\+212 \d|0\d)(?: [\d*•]{2}){4}/g)) {
        const end = match.index + match[0].length;
        const first = box(node, match.index, match.index + 1);
        const last = box(node, end - 1, end);
        if (!(first.left < last.left))
          out.push(`number "${match[0]}" laid out right to left in "${text.trim()}"`);
      }
    }
    return out;
  });
  for (const problem of found) problems.push(`${name}: ${problem}`);
}

/**
 * The legal texts' titles show they open: a marker before the words (on the right in Arabic) that turns
 * when the text opens. Seen without any: the summary was a flex box, which drops the browser's triangle.
 */
async function legalTextsShowTheyOpen(page) {
  const found = await page.evaluate(async () => {
    const out = [];
    const rtl = document.documentElement.dir === "rtl";
    for (const summary of document.querySelectorAll("main details > summary")) {
      const details = summary.parentElement;
      const marker = () => getComputedStyle(summary, "::before");
      const native = getComputedStyle(summary).display === "list-item";
      if (!native && (marker().content === "none" || parseFloat(marker().width) < 4)) {
        out.push(`"${summary.textContent}": no open/close marker`);
        continue;
      }
      const range = document.createRange();
      range.selectNodeContents(summary);
      const words = range.getBoundingClientRect();
      const edge = summary.getBoundingClientRect();
      const room = rtl ? edge.right - words.right : words.left - edge.left;
      if (room < 8) out.push(`"${summary.textContent}": nothing before its words (${rtl ? "rtl" : "ltr"})`);
      const closed = marker().transform;
      details.open = true;
      await new Promise((resolve) => setTimeout(resolve, 250));
      if (marker().transform === closed && !native)
        out.push(`"${summary.textContent}": the marker does not change when open`);
      details.open = false;
    }
    return out;
  });
  if (found.length)
    throw new Error(
      `legal texts (${await page.evaluate(() => document.documentElement.lang)}): ${found.join("; ")}`,
    );
}

/**
 * One step of a journey: axe in the page's language, and in `languages` (switched with the page's own
 * language buttons, which keep the step); screenshots at 360 and 1280 px in French and Arabic.
 */
async function step(page, name, { languages = [], screenshots = true } = {}) {
  await settle(page);
  const start = await page.evaluate(() => document.documentElement.lang);
  const width = page.viewportSize().width;
  const order = [start, ...languages.filter((l) => l !== start)];
  for (const language of order) {
    if (language !== (await page.evaluate(() => document.documentElement.lang))) {
      await page.locator(`header button[lang=${language}]`).click();
      await page.waitForFunction((l) => document.documentElement.lang === l, language);
      await settle(page);
    }
    await check(page, `landing ${name} ${language}`);
    await numbersReadLeftToRight(page, `${name} ${language}`);
    if (!screenshots || language === "en") continue;
    for (const w of [360, 1280]) {
      await page.setViewportSize({ width: w, height: 800 });
      await settle(page);
      if (w === 360) await phoneProblems(page, `${name} ${language}`);
      await page.screenshot({ path: `${shots}landing-${name}-${language}-${w}.png`, fullPage: true });
    }
    await page.setViewportSize({ width, height: 800 });
  }
  if (order.at(-1) !== start) {
    await page.locator(`header button[lang=${start}]`).click();
    await page.waitForFunction((l) => document.documentElement.lang === l, start);
  }
}

const next = (page) => page.locator("main form button[type=submit]").click();

async function downloadPdf(page, button) {
  const [download] = await Promise.all([page.waitForEvent("download"), button.click()]);
  const bytes = readFileSync(await download.path());
  if (bytes.subarray(0, 4).toString() !== "%PDF") throw new Error(`not a PDF: ${bytes.subarray(0, 40)}`);
  return download.suggestedFilename();
}

/** The new-subscription wizard from the home page to the confirmation; returns the contract number. */
async function subscribe(page, { cin, category, offerCode, names, numbering, capture, doubleClick = false }) {
  const tag = (n) => (capture ? `${capture.prefix}-${n}` : null);
  const at = async (n) => {
    if (capture) await step(page, tag(n), capture);
    else await settle(page);
  };
  await page.getByTestId("journey-subscribe").click();
  await page.getByTestId(`category-${category}`).waitFor();
  await page.getByTestId(`category-${category}`).click();
  await page.getByTestId(`offer-${offerCode}`).click();
  await at("1-offer");
  await next(page);
  await page.locator("input[name=cin]").waitFor();
  // The empty form's messages under the fields: axe checks they can be read (contrast) in this language.
  await next(page);
  await page.locator("main [aria-invalid=true]").first().waitFor();
  await check(page, `landing identity errors ${await page.evaluate(() => document.documentElement.lang)}`);
  await page.locator("input[name=cin]").fill(cin);
  await page.locator("input[name=first_name]").fill(names[0]);
  await page.locator("input[name=last_name]").fill(names[1]);
  await page.locator("input[name=email]").fill(`${names[0].toLowerCase()}.${cin.toLowerCase()}@example.ma`);
  await page.locator("input[name=phone]").fill("06 61 22 33 44");
  // A focused field shows the landing's 2 px ring (Mantine's own cue was a 1 px border colour change).
  const ring = await page.locator("input[name=phone]").evaluate((input) => {
    input.focus();
    const style = getComputedStyle(input);
    return [style.outlineStyle, parseFloat(style.outlineWidth)];
  });
  if (ring[0] === "none" || ring[1] < 2) throw new Error(`focused field ring: ${ring}`);
  await at("2-identity");
  await next(page);
  if (category === "mobile") {
    await page.getByTestId("numbering-keep").click();
    await page.locator("input[name=existing_mobile_local_number]").fill(numbering);
  } else {
    await page.locator("input[name=home_landline_local_number]").fill(numbering);
  }
  await at("3-numbering");
  await next(page);
  await page.locator("input[name=contract_start_date]").waitFor();
  await at("4-start-date");
  await next(page);
  await page.locator("main input[type=checkbox]").check();
  await legalTextsShowTheyOpen(page);
  await at("5-review");
  const submit = page.locator("main form button[type=submit]");
  if (doubleClick) await submit.dblclick();
  else await submit.click();
  await page
    .getByTestId("contract-number")
    .waitFor()
    .catch(() => {
      throw new Error(`no confirmation; API refusals: ${page.refusals.join("\n") || "none"}`);
    });
  const number = (await page.getByTestId("contract-number").textContent())?.trim();
  await at("6-done");
  const file = await downloadPdf(page, page.locator("main button[aria-label$='(PDF)']"));
  if (!file.endsWith(".pdf")) throw new Error(file);
  return number;
}

/** The one-time code step of the otp policy: the code from the development log line. */
async function enterCode(page, name, capture) {
  const input = page.locator("input[autocomplete=one-time-code]");
  await input.waitFor();
  const attrs = await input.evaluate((el) => [el.inputMode, el.getAttribute("maxlength")]);
  if (attrs[0] !== "numeric" || attrs[1] !== "6") throw new Error(`code field: ${attrs}`);
  await input.fill("000000");
  await next(page);
  await page.getByRole("alert").waitFor();
  if (capture) await step(page, `${name}-code`, capture);
  const codes = [...serverLog.matchAll(/development one-time code for CIN \S+: (\d{6})/g)];
  await input.fill(codes.at(-1)[1]);
  await next(page);
}

async function verify(page, cin, name, capture) {
  await page.locator("input[name=cin]").waitFor();
  await page.locator("input[name=cin]").fill(cin);
  if (capture) await step(page, `${name}-cin`, capture);
  await next(page);
  if (otp) await enterCode(page, name, capture);
}

// MTF_LANDING_TESTS=<regex> runs only the journeys whose name matches (while working on one).
const only = process.env.MTF_LANDING_TESTS ? new RegExp(process.env.MTF_LANDING_TESTS) : null;
const maybe = (name, body) => (only && !only.test(name) ? undefined : test(name, body));

// --- journeys ----------------------------------------------------------------------------------------
const everyLanguage = { languages: ["fr", "en", "ar"] };

await maybe("landing home: French by default, axe in fr/en/ar, screenshots", async () => {
  const page = await newPage();
  await page.goto(`${base}/landing`);
  await page.getByTestId("journey-subscribe").waitFor();
  if ((await page.evaluate(() => document.documentElement.lang)) !== "fr") throw new Error("not French");
  await step(page, "0-home", everyLanguage);
  await page.context().close();
});

await maybe("subscribe to a mobile offer (fr): confirmation, contract number, contract PDF", async () => {
  const page = await newPage();
  await page.goto(`${base}/landing`);
  const cin = newCin();
  const number = await subscribe(page, {
    cin,
    category: "mobile",
    offerCode: mobileStarter.code,
    names: ["Salma", "Idrissi"],
    numbering: newMobile(),
    capture: { prefix: "sub", ...everyLanguage },
  });
  const contracts = await contractsOf(cin);
  if (contracts.length !== 1 || contracts[0].contract_number !== number)
    throw new Error(`contracts: ${JSON.stringify(contracts.map((c) => c.contract_number))} vs ${number}`);
  await page.context().close();
});

await maybe("subscribe to an internet offer (en): the home landline in its +212 form", async () => {
  const page = await newPage({ language: "en" });
  await page.goto(`${base}/landing`);
  const cin = newCin();
  const landline = newLandline();
  const number = await subscribe(page, {
    cin,
    category: "internet",
    offerCode: fiber.code,
    names: ["Karim", "Alaoui"],
    numbering: landline,
  });
  const [contract] = await contractsOf(cin);
  if (contract?.contract_number !== number) throw new Error(`${contract?.contract_number} vs ${number}`);
  if (contract.offer_id !== fiber.id) throw new Error(`offer ${contract.offer_id}`);
  await page.context().close();
});

await maybe("a reload mid-wizard resumes the draft at its step with its answers", async () => {
  const page = await newPage({ language: "en" });
  await page.goto(`${base}/landing?journey=subscribe`);
  await page.getByTestId(`offer-${mobileStarter.code}`).click();
  await next(page);
  await page.locator("input[name=cin]").fill(newCin());
  await page.locator("input[name=first_name]").fill("Nadia");
  await page.locator("input[name=last_name]").fill("Berrada");
  await page.locator("input[name=email]").fill("nadia@example.ma");
  await page.locator("input[name=phone]").fill("+212 661 22 33 44");
  await next(page);
  await page.getByTestId("numbering-keep").waitFor();
  if (!/#draft=[0-9a-f-]{36}$/.test(page.url())) throw new Error(`no draft in ${page.url()}`);
  await page.reload();
  await page.getByTestId("numbering-keep").waitFor();
  await page.getByText("We picked up your request where you left it.").waitFor();
  await page.getByRole("button", { name: /Back/ }).click();
  const values = await page
    .locator("input[name=first_name], input[name=phone]")
    .evaluateAll((els) => els.map((e) => e.value));
  if (values[0] !== "Nadia" || !values[1].replace(/\s/g, "").includes("661223344"))
    throw new Error(`resumed answers: ${values}`);
  await page.context().close();
});

await maybe("a double click on submit creates exactly one contract", async () => {
  const page = await newPage({ language: "en" });
  await page.goto(`${base}/landing`);
  const cin = newCin();
  await subscribe(page, {
    cin,
    category: "mobile",
    offerCode: mobilePremium.code,
    names: ["Omar", "Tazi"],
    numbering: newMobile(),
    doubleClick: true,
  });
  const contracts = await contractsOf(cin);
  if (contracts.length !== 1) throw new Error(`${contracts.length} contracts`);
});

await maybe("the same subscription in Arabic at 360 px: rtl, no sideways scroll", async () => {
  const page = await newPage({ width: 360 });
  await page.goto(`${base}/landing?lang=ar`);
  await page.getByTestId("journey-subscribe").waitFor();
  const dir = await page.evaluate(() => [document.documentElement.dir, document.documentElement.lang]);
  if (dir.join() !== "rtl,ar") throw new Error(`html ${dir}`);
  await step(page, "0-home");
  const cin = newCin();
  await subscribe(page, {
    cin,
    category: "mobile",
    offerCode: mobileStarter.code,
    names: ["Youssef", "Bennani"],
    numbering: newMobile(),
    capture: { prefix: "sub" },
  });
  const overflow = await sidewaysOverflow(page);
  if (overflow > 0) throw new Error(`the confirmation at 360 px is ${overflow} px too wide`);
  const contracts = await contractsOf(cin);
  if (contracts.length !== 1) throw new Error("no contract");
  // The audit log keeps which wording was accepted: the Arabic texts the review showed, for this contract.
  const client = contracts[0].client_id;
  const audit = await api(
    "GET",
    `/api/v1/audit-events?action=client.legal_texts_accepted&entity_id=${client}`,
  );
  const accepted = audit.items[0]?.after;
  if (
    accepted?.contract_id !== contracts[0].id ||
    accepted.legal_texts.some((text) => text.language !== "ar")
  )
    throw new Error(`legal acceptance ${JSON.stringify(audit.items)}`);
  await page.context().close();
  // And the operator reads it on the client's history, in words.
  const staff = await signedInPage();
  await staff.goto(`${base}/clients/${client}`);
  await staff.getByRole("tab", { name: "History" }).click();
  await staff.getByText("Terms accepted online").waitFor();
  await staff.getByText(/^Contract CT-[0-9-]+: \d+ texts? accepted in Arabic \(versions? [0-9-]+/).waitFor();
  await staff.screenshot({ path: `${shots}client-legal-acceptance-en-1280.png`, fullPage: true });
  await staff.context().close();
});

const planClient = await seedClient("Imane", "Chraibi", today);

await maybe(
  `a plan change${otp ? " (one-time code)" : ""}: upgrade shown, confirmation and contract PDF`,
  async () => {
    const page = await newPage();
    await page.goto(`${base}/landing`);
    await page.getByTestId("journey-plan-change").click();
    await verify(page, planClient.cin, "plan-1", everyLanguage);
    const card = page.getByTestId(`subscription-${planClient.contract.contract_number}`);
    await card.waitFor();
    // The CIN step's Continue has gone: the focus is on the new step's heading, not the page's body.
    const focused = await page.evaluate(() => document.activeElement?.tagName);
    if (focused !== "H2") throw new Error(`after the CIN, the focus is on ${focused}`);
    await card.click();
    await step(page, "plan-2-subscription", everyLanguage);
    // Enter on the chosen line submits the step, as Enter in a text field does (it only chose it before).
    await card.press("Enter");
    await page.getByTestId(`offer-${mobilePremium.code}`).click();
    // 199 - 99: shown as an upgrade with the monthly difference.
    await page.getByTestId(`offer-${mobilePremium.code}`).getByText("Offre supérieure").waitFor();
    await page
      .getByTestId(`offer-${mobilePremium.code}`)
      .getByText(/100,00.*de plus par mois/)
      .waitFor();
    await step(page, "plan-3-offer", everyLanguage);
    await next(page);
    await page.locator("main input[type=date]").waitFor();
    await step(page, "plan-4-start-date", everyLanguage);
    await next(page);
    await step(page, "plan-5-review", everyLanguage);
    await next(page);
    await page.getByTestId("contract-number").waitFor();
    await step(page, "plan-6-done", everyLanguage);
    await downloadPdf(page, page.locator("main button[aria-label$='(PDF)']"));
    const contracts = await api("GET", `/api/v1/contracts?client_id=${planClient.client.id}`);
    const live = contracts.items.filter((c) => c.offer_id === mobilePremium.id);
    if (live.length !== 1) throw new Error(`premium contracts: ${live.length}`);
    await page.context().close();
  },
);

await maybe(`an invoice download after a billing run${otp ? " (one-time code)" : ""}`, async () => {
  const billed = await seedClient("Hamza", "Lahlou", monthStart);
  const end = new Date(Date.UTC(Number(today.slice(0, 4)), Number(today.slice(5, 7)), 0))
    .toISOString()
    .slice(0, 10);
  let run = await api("POST", "/api/v1/billing/runs", { period_start: monthStart, period_end: end });
  // The run is processed in the background (the worker runs inside the local server): poll it.
  for (let i = 0; i < 120 && !(run.status === "completed" && run.pdfs_ready); i++) {
    if (run.status === "failed") throw new Error(`run ${run.status}`);
    await new Promise((resolve) => setTimeout(resolve, 500));
    run = await api("GET", `/api/v1/billing/runs/${run.id}`);
  }
  if (!(run.status === "completed" && run.pdfs_ready)) throw new Error(`run still ${run.status}`);
  const invoices = await api("GET", `/api/v1/invoices?client_id=${billed.client.id}`);
  const invoice = invoices.items[0];
  if (!invoice) throw new Error("no invoice for the client");

  const page = await newPage();
  await page.goto(`${base}/landing`);
  await page.getByTestId("journey-invoices").click();
  await verify(page, billed.cin, "inv-1", everyLanguage);
  const card = page.getByTestId(`invoice-${invoice.invoice_number}`);
  await card.waitFor();
  await step(page, "inv-2-list", everyLanguage);
  const file = await downloadPdf(page, card.getByRole("button"));
  if (!file.includes(invoice.invoice_number)) throw new Error(`file ${file}`);
  await page.context().close();
});

// Target (issue 13): under 1 s. The figure depends on the machine's load (printed with it); the test fails
// only on a clear regression, above FCP_LIMIT_MS.
const FCP_LIMIT_MS = Number(process.env.MTF_LANDING_FCP_LIMIT_MS ?? 2500);
// Issue 16 asks the same figures of the workspace's first page: `/` for a visitor not signed in is the login.
// "Interactive" is when the page's first control can be used: the landing's first journey button, the
// login's submit button, visible and enabled (polled every animation frame, measured in the page's clock).
const firstPaints = {
  "/landing": { width: 360, control: (page) => page.getByTestId("journey-subscribe") },
  "/": { width: 1280, control: (page) => page.getByRole("button", { name: "Se connecter" }) },
};
await maybe("first contentful paint of /landing (production build served by the backend)", async () => {
  const medians = {};
  for (const [path, { width, control }] of Object.entries(firstPaints)) {
    const fcps = [];
    const ttis = [];
    const discoveries = [];
    for (let i = 0; i < 5; i++) {
      // A new context each time: a cold cache, as a first visit.
      const context = await browser.newContext({ viewport: { width, height: 800 } });
      const page = await context.newPage();
      await page.goto(`${base}${path}`);
      const button = control(page);
      await button.waitFor();
      await page.waitForFunction((el) => el && !el.disabled, await button.elementHandle(), {
        polling: "raf",
      });
      const [fcp, tti, discovery] = await page.evaluate(
        () =>
          new Promise((resolve) => {
            const now = performance.now();
            // The backend discovery's OpenAPI download (spec 11.1), which the workspace waits for.
            const openapi = performance
              .getEntriesByType("resource")
              .find((e) => e.name.endsWith("/api/v1/openapi.json"));
            const timing = openapi
              ? { start: openapi.startTime, end: openapi.responseEnd, kB: openapi.encodedBodySize / 1024 }
              : null;
            new PerformanceObserver((list) => {
              const entry = list.getEntries().find((e) => e.name === "first-contentful-paint");
              if (entry) resolve([entry.startTime, now, timing]);
            }).observe({ type: "paint", buffered: true });
          }),
      );
      fcps.push(Math.round(fcp));
      ttis.push(Math.round(tti));
      if (discovery) discoveries.push(discovery);
      await context.close();
    }
    const median = (values) => [...values].sort((a, b) => a - b)[2];
    const load = readFileSync("/proc/loadavg", "utf8").split(" ")[0];
    console.log(
      `       ${path} at ${width} px, 5 cold loads: first contentful paint ${fcps.join(", ")} ms (median ${median(fcps)}); ` +
        `interactive ${ttis.join(", ")} ms (median ${median(ttis)}); load average ${load}`,
    );
    if (discoveries.length === 5) {
      const span = (d) => `${Math.round(d.start)}→${Math.round(d.end)}`;
      console.log(
        `       ${path}: backend discovery's OpenAPI download (${discoveries[0].kB.toFixed(0)} kB as sent) ` +
          `${discoveries.map(span).join(", ")} ms (ends at median ${median(discoveries.map((d) => Math.round(d.end)))})`,
      );
    }
    medians[path] = median(fcps);
  }
  if (medians["/landing"] > FCP_LIMIT_MS)
    throw new Error(`median FCP ${medians["/landing"]} ms > ${FCP_LIMIT_MS} ms`);
});

await maybe("no sideways scroll or small touch target at 360 px, no page error", async () => {
  if (problems.length) throw new Error([...new Set(problems)].join("\n"));
});
