// Operator workspace, part 1 (issue 11): the Offers and Contracts tabs, end to end as an operator uses them.
// Offers are made through the editor; only the client (whose UI is 01's) and the second line that makes
// provisioning ambiguous are seeded through the API.
import { readFileSync } from "node:fs";
import { api, base, capture, signedInPage, test } from "../harness.mjs";

const page = await signedInPage();
// Failures should say so quickly: nothing here takes seconds on a healthy run.
page.setDefaultTimeout(10_000);
const stamp = String(Date.now()).slice(-6);
const day = (offset) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
const codes = {
  mobile: `MOB-${stamp}`,
  mobilePlus: `MOBPLUS-${stamp}`,
  internet: `FIB-${stamp}`,
  landline: `FIX-${stamp}`,
};
const offers = {};
let client = null;
const contracts = {};

function fail(message) {
  throw new Error(message);
}

/** The name (or text) of the focused element. */
async function focusedName() {
  return page.evaluate(() => {
    const element = document.activeElement;
    if (!element || element === document.body) return "(page)";
    return element.getAttribute("name") ?? element.textContent?.trim() ?? element.tagName;
  });
}

async function waitForFocus(name) {
  for (let i = 0; i < 20; i++) {
    if ((await focusedName()) === name) return;
    await page.waitForTimeout(100);
  }
  fail(`focus is on ${await focusedName()}, expected ${name}`);
}

async function expectText(locator, expected) {
  await locator.filter({ hasText: expected }).first().waitFor({ timeout: 5000 });
}

/** Where every component row of the editor sits: rows must not move when the category or a toggle changes. */
async function rowBoxes() {
  // Offsets within the page (not the viewport, which a click may scroll), with each row's height.
  return page.locator('form[aria-label="New offer"] [role="group"][aria-label]').evaluateAll((rows) =>
    rows.map((row) => {
      const box = row.getBoundingClientRect();
      return `${row.getAttribute("aria-label")}@${Math.round(box.top + window.scrollY)}:${Math.round(box.height)}`;
    }),
  );
}

const editorForm = () => page.locator('form[aria-label="New offer"]');
const segment = (group, option) =>
  page.getByRole("radiogroup", { name: group }).getByText(option, { exact: true });
const pill = (row, value) =>
  page.getByRole("group", { name: row, exact: true }).getByText(value, { exact: true });

async function openEditor() {
  await page.goto(`${base}/offers/new`);
  await page.getByRole("heading", { name: "New offer" }).waitFor();
}

async function fillCommon({ code, name, fee, category }) {
  await segment("Category", category).click();
  await page.getByLabel(/^Code/).fill(code);
  await page.getByLabel(/^Name/).fill(name);
  await page.getByLabel(/^Monthly fee/).fill(fee);
  // On sale since well before the contracts' start dates used below.
  await page.getByLabel(/^On sale from/).fill(day(-90));
}

async function submitOffer(code) {
  await page.getByRole("button", { name: "Create the offer" }).click();
  await page.waitForURL(/\/offers\/[0-9a-f-]{36}$/);
  await page.getByText(code).first().waitFor();
  return new URL(page.url()).pathname.split("/").pop();
}

await test("offer editor: rows never jump, rows of other categories are disabled, not removed", async () => {
  await openEditor();
  const before = await rowBoxes();
  if (before.length !== 10) fail(`expected every category's rows, got ${before.join(", ")}`);
  const data = page.getByRole("textbox", { name: "Mobile data in GB", exact: true });
  if (await data.isDisabled()) fail("mobile data should be editable for a mobile offer");
  await segment("Category", "Internet").click();
  if (!(await data.isDisabled())) fail("mobile data should be disabled for an internet offer");
  if (await page.getByRole("textbox", { name: "Fiber speed (Mbps)", exact: true }).isDisabled())
    fail("fiber speed disabled");
  await segment("Access type", "ADSL").click();
  await segment("Category", "Landline").click();
  await pill("Phone calls (hours)", "On").click();
  const after = await rowBoxes();
  if (after.join() !== before.join()) fail(`rows moved:\n${before.join("\n")}\n---\n${after.join("\n")}`);
});

await test("create a mobile offer: On/Off pills, live preview, valid_to only with the validation-date toggle", async () => {
  await openEditor();
  await fillCommon({ code: codes.mobile, name: "Mobile 20", fee: "99", category: "Mobile" });
  const calls = page.getByRole("textbox", { name: "Call hours", exact: true });
  if (!(await calls.isDisabled())) fail("calls are Off by default: their value is disabled");
  await pill("Calls (hours)", "On").click();
  if (await calls.isDisabled()) fail("calls switched On: their value is editable");
  await page.getByRole("textbox", { name: "Mobile data in GB", exact: true }).fill("20");
  await calls.fill("5");
  const preview = page.getByRole("region", { name: "Preview" });
  await expectText(preview.getByTestId("preview-name"), "Mobile 20");
  await expectText(preview.getByTestId("preview-components"), "20 GB of mobile data");
  await expectText(preview.getByTestId("preview-components"), "5 h of calls");
  await expectText(preview.getByTestId("preview-monthly-fee"), "99");
  await expectText(preview.getByTestId("preview-validity"), "no end date");
  if (await page.getByLabel(/^On sale until/).count()) fail("valid_to shown without the toggle");
  await page.getByLabel("Validation date").check({ force: true });
  await page.getByLabel(/^On sale until/).fill(day(365));
  await expectText(preview.getByTestId("preview-validity"), "until");
  await page.getByLabel("Validation date").uncheck({ force: true });
  if (await page.getByLabel(/^On sale until/).count()) fail("valid_to still shown with the toggle off");
  await expectText(preview.getByTestId("preview-validity"), "no end date");
  offers.mobile = await submitOffer(codes.mobile);
});

await test("a backend refusal lands on its field: a taken offer code is shown on Code", async () => {
  await openEditor();
  await fillCommon({ code: codes.mobile, name: "Mobile 50", fee: "149", category: "Mobile" });
  await page.getByRole("textbox", { name: "Mobile data in GB", exact: true }).fill("50");
  await page.getByRole("button", { name: "Create the offer" }).click();
  const code = page.getByLabel(/^Code/);
  await page.waitForFunction((el) => el?.getAttribute("aria-invalid") === "true", await code.elementHandle());
  // Told in the operator's language through the error code, not the API's English message.
  await editorForm().getByText("An offer already has this code.").waitFor();
  await code.fill(codes.mobilePlus);
  offers.mobilePlus = await submitOffer(codes.mobilePlus);
});

await test("create an internet offer: fiber or ADSL with its speed, the home landline always on", async () => {
  await openEditor();
  await fillCommon({ code: codes.internet, name: "Fibre 100", fee: "349,50", category: "Internet" });
  const fiber = page.getByRole("textbox", { name: "Fiber speed (Mbps)", exact: true });
  const adsl = page.getByRole("textbox", { name: "ADSL speed (Mbps)", exact: true });
  await segment("Access type", "ADSL").click();
  if (!(await fiber.isDisabled()) || (await adsl.isDisabled()))
    fail("ADSL chosen: only the ADSL speed is editable");
  await adsl.fill("20");
  await expectText(page.getByTestId("preview-components"), "ADSL 20 Mbps");
  await segment("Access type", "Fiber").click();
  if ((await fiber.isDisabled()) || !(await adsl.isDisabled()))
    fail("fiber chosen: only the fiber speed is editable");
  await fiber.fill("1a00");
  if ((await fiber.inputValue()) !== "100")
    fail(`speed is whole numbers only, got ${await fiber.inputValue()}`);
  await pill("TV", "On").click();
  const preview = page.getByTestId("preview-components");
  await expectText(preview, "Fiber 100 Mbps");
  await expectText(preview, "Home landline included");
  await expectText(preview, "TV included");
  await expectText(page.getByTestId("preview-monthly-fee"), "349.50");
  offers.internet = await submitOffer(codes.internet);
});

await test("create a landline offer with whole-number hours", async () => {
  await openEditor();
  await fillCommon({ code: codes.landline, name: "Fixe 10h", fee: "79", category: "Landline" });
  await pill("International calls (hours)", "On").click();
  await page.getByRole("textbox", { name: "International hours", exact: true }).fill("10");
  await expectText(page.getByTestId("preview-components"), "10 h of international calls");
  offers.landline = await submitOffer(codes.landline);
});

await test("the offers list groups the new offers by category", async () => {
  await page.goto(`${base}/offers?q=${stamp}`);
  for (const [category, code] of [
    ["Mobile", codes.mobile],
    ["Internet", codes.internet],
    ["Landline", codes.landline],
  ])
    await page.getByRole("region", { name: category }).getByRole("link", { name: code }).waitFor();
  await capture(page, "offers-list", `/offers?q=${stamp}`);
  await capture(page, "offer-editor", "/offers/new");
});

/** Provision through the form; returns the outcome section. */
async function provision({ clientSearch, clientName, offerCode, start }) {
  await page.goto(`${base}/contracts/new`);
  await page.getByRole("heading", { name: "New contract" }).waitFor();
  await page.getByRole("combobox", { name: /^Client/ }).fill(clientSearch);
  await page.getByRole("option", { name: new RegExp(clientName) }).click();
  await page.getByRole("combobox", { name: /^Offer/ }).click();
  await page.getByRole("option", { name: new RegExp(offerCode) }).click();
  await page.getByLabel(/^Contract start date/).fill(start);
  await page.getByRole("button", { name: "Provision the contract" }).click();
}

const outcome = () => page.getByRole("region", { name: "Provisioning result" });

await test("provision a contract for a client picked by search: decision Created", async () => {
  client = await api("POST", "/api/v1/clients", {
    cin: `K${stamp}`,
    first_name: "Karim",
    last_name: `Bennani${stamp}`,
    phone: "0662000000",
    city: "Rabat",
  });
  await provision({
    clientSearch: `Bennani${stamp}`,
    clientName: `Bennani${stamp}`,
    offerCode: codes.mobile,
    start: day(-40),
  });
  await expectText(outcome().getByTestId("provisioning-decision"), "Created");
  await expectText(outcome(), "New contract CT-");
  const list = await api("GET", `/api/v1/contracts?client_id=${client.id}`);
  if (list.items.length !== 1) fail(`expected one contract, got ${list.items.length}`);
  contracts.first = list.items[0];
  await capture(page, "contract-new", `/contracts/new?client=${client.id}`);
});

await test("a plan change on the same line: decision Upgraded, with before and after", async () => {
  await provision({
    clientSearch: `Bennani${stamp}`,
    clientName: `Bennani${stamp}`,
    offerCode: codes.mobilePlus,
    start: day(-30),
  });
  await expectText(outcome().getByTestId("provisioning-decision"), "Upgraded");
  const changes = outcome().getByRole("table", { name: "What changed" });
  await expectText(changes, contracts.first.contract_number);
  await expectText(changes, codes.mobile);
  await expectText(changes, codes.mobilePlus);
  await changes.getByText("149.00").first().waitFor();
  await expectText(outcome(), "upgraded from");
});

await test("an ambiguous provisioning: the candidates are offered and the choice is resent as target_contract_id", async () => {
  // A second mobile line for the same client: a change of mobile offer could now apply to either.
  await api("POST", "/api/v1/contracts", {
    client_id: client.id,
    offer_id: offers.mobile,
    contract_start_date: day(-35),
    intent: "new_line",
  });
  const live = (await api("GET", `/api/v1/contracts?client_id=${client.id}&status=active`)).items;
  if (live.length !== 2) fail(`expected 2 active contracts, got ${live.length}`);
  const target = live.find((c) => c.offer_id === offers.mobilePlus);
  const bodies = [];
  page.on("request", (request) => {
    if (request.method() === "POST" && request.url().endsWith("/api/v1/contracts"))
      bodies.push(request.postDataJSON());
  });
  await provision({
    clientSearch: `Bennani${stamp}`,
    clientName: `Bennani${stamp}`,
    offerCode: codes.mobile,
    start: day(-20),
  });
  const chooser = page.getByRole("region", { name: "Which contract should change?" });
  await chooser.waitFor();
  for (const candidate of live) await chooser.getByText(candidate.contract_number).waitFor();
  await chooser.getByText(target.contract_number).click();
  await chooser.getByRole("button", { name: "Change this contract's plan" }).click();
  await expectText(outcome().getByTestId("provisioning-decision"), "Downgraded");
  await expectText(outcome(), target.contract_number);
  if (bodies.length !== 2 || bodies[0].target_contract_id || bodies[1].target_contract_id !== target.id)
    fail(`requests sent: ${JSON.stringify(bodies)}`);
  await outcome().getByRole("link", { name: "Open the contract" }).click();
  await page.waitForURL(/\/contracts\/[0-9a-f-]{36}$/);
  contracts.changed = new URL(page.url()).pathname.split("/").pop();
});

await test("suspend and resume the contract on chosen dates", async () => {
  await page.goto(`${base}/contracts/${contracts.changed}`);
  await expectText(page.getByTestId("contract-status"), "Active");
  // By keyboard: Enter opens the dialog on its date, Escape closes it and gives focus back to its button.
  await page.getByRole("button", { name: "Suspend" }).focus();
  await page.keyboard.press("Enter");
  const dialog = page.getByRole("dialog");
  await dialog.getByLabel(/^Effective date/).waitFor();
  if ((await focusedName()) !== "effective_date") fail(`focus in the dialog: ${await focusedName()}`);
  // Its close icon has a name (axe button-name, critical, when it had none).
  await dialog.getByRole("button", { name: "Close" }).waitFor();
  await page.keyboard.press("Escape");
  await dialog.waitFor({ state: "hidden" });
  await waitForFocus("Suspend");
  await page.keyboard.press("Enter");
  await dialog.getByLabel(/^Effective date/).fill(day(-10));
  await page.keyboard.press("Enter");
  await dialog.waitFor({ state: "hidden" });
  await expectText(page.getByTestId("contract-status"), "Suspended");
  // The Suspend button that opened the dialog is gone: focus moves to the next action, not to the page.
  await waitForFocus("Resume");
  await page.getByRole("region", { name: "Suspensions" }).getByText("Still suspended").waitFor();
  await page.getByRole("button", { name: "Resume" }).click();
  await dialog.getByLabel(/^Effective date/).fill(day(-5));
  await dialog.getByRole("button", { name: "Resume" }).click();
  await dialog.waitFor({ state: "hidden" });
  await expectText(page.getByTestId("contract-status"), "Active");
  await waitForFocus("Suspend");
  const suspensions = await api("GET", `/api/v1/contracts/${contracts.changed}/suspensions`);
  if (
    suspensions.length !== 1 ||
    suspensions[0].suspended_from !== day(-10) ||
    suspensions[0].resumed_on !== day(-5)
  )
    fail(`suspensions: ${JSON.stringify(suspensions)}`);
});

await test("the contract PDF opens in the browser", async () => {
  await page.goto(`${base}/contracts/${contracts.changed}`);
  const [answer, popup] = await Promise.all([
    page.waitForResponse((r) => r.url().endsWith(`/contracts/${contracts.changed}/document`)),
    page.context().waitForEvent("page"),
    page.getByRole("button", { name: "Open the PDF" }).click(),
  ]);
  if (answer.status() !== 200) fail(`document: ${answer.status()}`);
  if (!(answer.headers()["content-type"] ?? "").startsWith("application/pdf"))
    fail(`content-type ${answer.headers()["content-type"]}`);
  // What the operator's tab shows: the blob the app opened, read back from inside that tab.
  if (!popup.url().startsWith("blob:")) fail(`popup: ${popup.url()}`);
  const opened = await popup.evaluate(async () => {
    const blob = await (await fetch(window.location.href)).blob();
    return { type: blob.type, head: await blob.slice(0, 5).text(), size: blob.size };
  });
  if (opened.type !== "application/pdf" || opened.head !== "%PDF-" || opened.size < 500)
    fail(`opened document: ${JSON.stringify(opened)}`);
  await popup.close();
  await capture(page, "contract-detail", `/contracts/${contracts.changed}`);
});

await test("the contracts list filters by client and status and exports the filtered rows as CSV", async () => {
  await page.goto(`${base}/contracts?client=${client.id}&status=active`);
  const live = (await api("GET", `/api/v1/contracts?client_id=${client.id}&status=active`)).items;
  for (const c of live) await page.getByRole("link", { name: c.contract_number }).waitFor();
  const all = (await api("GET", `/api/v1/contracts?client_id=${client.id}`)).items;
  for (const c of all.filter((c) => c.status !== "active"))
    if (await page.getByRole("link", { name: c.contract_number }).count())
      fail(`${c.contract_number} (${c.status}) is listed under the active filter`);
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("button", { name: "Export CSV" }).click(),
  ]);
  const csv = readFileSync(await download.path(), "utf8");
  const rows = csv.split(/\r?\n/).filter(Boolean);
  if (rows.length !== live.length + 1) fail(`CSV rows ${rows.length}, expected ${live.length + 1}:\n${csv}`);
  for (const c of live) if (!csv.includes(c.contract_number)) fail(`CSV lacks ${c.contract_number}`);
  await capture(page, "contracts-list", `/contracts?client=${client.id}`);
});

await test("terminate a contract on a date: the line ends with it, no lifecycle action is left", async () => {
  const other = await api("POST", "/api/v1/clients", {
    cin: `T${stamp}`,
    first_name: "Touria",
    last_name: `Alaoui${stamp}`,
    phone: "0663000000",
    city: "Fès",
  });
  const { contract } = await api("POST", "/api/v1/contracts", {
    client_id: other.id,
    offer_id: offers.mobile,
    contract_start_date: day(-12),
    intent: "new_line",
  });
  await page.goto(`${base}/contracts/${contract.id}`);
  await expectText(page.getByTestId("contract-status"), "Active");
  await page.getByRole("button", { name: "Terminate" }).click();
  const dialog = page.getByRole("dialog");
  await dialog.getByText("The last day of service").waitFor();
  await dialog.getByLabel(/^Effective date/).fill(day(-2));
  await dialog.getByRole("button", { name: "Terminate" }).click();
  await dialog.waitFor({ state: "hidden" });
  await expectText(page.getByTestId("contract-status"), "Terminated");
  // No action is left to focus: the contract's heading takes it, so Tab goes on from the page.
  await waitForFocus(contract.contract_number);
  // Nothing more can happen to a terminated contract: its lifecycle buttons are gone.
  if (await page.getByRole("button", { name: /^(Suspend|Resume|Terminate)$/ }).count())
    fail("a terminated contract still offers a lifecycle action");
  const line = page.getByRole("region", { name: "Line" });
  await expectText(line, "Terminated on");
  const ended = await api("GET", `/api/v1/contracts/${contract.id}`);
  if (ended.status !== "terminated") fail(`contract: ${JSON.stringify(ended)}`);
});

await test("retire an offer after a confirmation (cancel sends nothing): it leaves the offers on sale", async () => {
  const offer = await api("POST", "/api/v1/offers", {
    code: `OLD-${stamp}`,
    name: `Ancienne ${stamp}`,
    category: "mobile",
    monthly_fee: "59.00",
    activation_fee: "0.00",
    valid_from: day(-60),
    mobile_data_gb: "5",
    mobile_calls_hours: "2",
  });
  await page.goto(`${base}/offers/${offer.id}`);
  await page.getByRole("button", { name: "Retire" }).click();
  const dialog = page.getByRole("dialog", { name: `Retire OLD-${stamp}?` });
  await dialog.getByText("cannot be put back on sale").waitFor();
  // Cancel first: nothing is sent.
  await dialog.getByRole("button", { name: "Cancel" }).click();
  await dialog.waitFor({ state: "hidden" });
  if ((await api("GET", `/api/v1/offers/${offer.id}`)).status !== "active") fail("cancel retired the offer");
  await waitForFocus("Retire");
  await page.getByRole("button", { name: "Retire" }).click();
  await dialog.getByRole("button", { name: "Retire" }).click();
  await dialog.waitFor({ state: "hidden" });
  await page.getByText("Offer retired.").waitFor();
  // The Retire button is gone with the offer on sale: focus goes to the offer's heading, not to the page.
  await waitForFocus(`Ancienne ${stamp}`);
  await page.getByText("Retired", { exact: true }).first().waitFor();
  if (await page.getByRole("button", { name: "Retire" }).count())
    fail("a retired offer can be retired again");
  if ((await api("GET", `/api/v1/offers/${offer.id}`)).status !== "retired") fail("offer not retired");
  await page.goto(`${base}/offers?status=retired&q=OLD-${stamp}`);
  await page
    .getByRole("region", { name: "Mobile" })
    .getByRole("link", { name: `OLD-${stamp}` })
    .waitFor();
  await page.goto(`${base}/offers?q=OLD-${stamp}`);
  await page.waitForLoadState("networkidle");
  if (await page.getByRole("link", { name: `OLD-${stamp}` }).count())
    fail("the retired offer is still listed among the offers on sale");
});
