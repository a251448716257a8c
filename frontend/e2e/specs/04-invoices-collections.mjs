// Operator workspace, part 2 (issue 12): a billing run started and watched on screen, an invoice and its
// PDF, payments, an overdue case resolved by a payment, the invoices CSV and the home dashboard.
// Billing runs are processed by the Procrastinate worker that `mtf serve` runs in process in `local`.
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { ADMIN, api, base, capture, env, shots, signedInPage, test } from "../harness.mjs";

const backend = fileURLToPath(new URL("../../../backend/", import.meta.url));
const page = await signedInPage();
const stamp = String(Date.now()).slice(-6);
const iso = (day) => day.toISOString().slice(0, 10);
const today = new Date();
// The run the form proposes by default: the previous calendar month.
const monthStart = new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth() - 1, 1));
const monthEnd = new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), 0));
const ctx = {};

async function waitFor(what, check, seconds = 60) {
  for (let i = 0; i < seconds * 4; i++) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`timed out waiting for ${what}`);
}

await test("seed: offers, three clients with contracts from last month, and an overdue client", async () => {
  const offer = (code, category, fee, extra) =>
    api("POST", "/api/v1/offers", {
      code: `E2E-${code}-${stamp}`,
      name: `E2E ${code}`,
      category,
      monthly_fee: fee,
      activation_fee: "0.00",
      valid_from: iso(monthStart),
      ...extra,
    });
  const mobile = await offer("MOB", "mobile", "99.00", { mobile_data_gb: "20", mobile_calls_hours: "10" });
  const fixe = await offer("FIXE", "landline", "149.00", {
    landline_national_included: true,
    landline_phone_hours: 100,
  });
  ctx.clients = [];
  for (const [n, [first, last]] of [
    ["Nadia", "Berrada"],
    ["Omar", "Tazi"],
    ["Imane", "Filali"],
  ].entries()) {
    const client = await api("POST", "/api/v1/clients", {
      kind: "individual",
      cin: `F${stamp}${n}`,
      first_name: first,
      last_name: last,
      phone: `066100000${n}`,
      city: "Rabat",
    });
    await api("POST", "/api/v1/contracts", {
      client_id: client.id,
      offer_id: mobile.id,
      contract_start_date: iso(monthStart),
      intent: "new_line",
    });
    ctx.clients.push(client);
  }
  await api("POST", "/api/v1/contracts", {
    client_id: ctx.clients[2].id,
    offer_id: fixe.id,
    contract_start_date: iso(monthStart),
    intent: "new_line",
    home_landline_local_number: `0537${stamp}`,
  });
  // An invoice past its due date cannot be made over HTTP (a run issues today): see arrange-overdue.py.
  const arranged = spawnSync(
    `${backend}.venv/bin/python`,
    [fileURLToPath(new URL("../arrange-overdue.py", import.meta.url)), `G${stamp}`, ADMIN.password],
    { cwd: backend, env, encoding: "utf8" },
  );
  if (arranged.status !== 0) throw new Error(`arrange-overdue: ${arranged.stderr}`);
  ctx.late = JSON.parse(arranged.stdout.trim().split("\n").pop());
});

await test("start a billing run from the screen and watch it finish", async () => {
  await page.goto(`${base}/invoices/runs`);
  await page.getByRole("link", { name: "New billing run" }).click();
  await page.waitForURL(`${base}/invoices/runs/new`);
  const form = page.getByRole("form", { name: "Start a billing run" });
  await form.waitFor();
  // The defaults are last month, 15 days, the highest legal rate and a real run.
  if ((await page.getByLabel("Days until due").inputValue()) !== "15") throw new Error("due days");
  await page.getByLabel("Days until due").fill("20");
  await page.getByRole("combobox", { name: "TVA rate" }).click();
  await page.getByRole("option", { name: "20 %" }).click();
  if (await page.getByRole("switch", { name: "Dry run" }).isChecked()) throw new Error("dry run on");
  await form.getByText(`Bills ${iso(monthStart)} to ${iso(monthEnd)}`).waitFor();
  const seen = new Set();
  await page.getByRole("button", { name: "Start the run" }).click();
  await page.waitForURL(/\/invoices\/runs\/[0-9a-f-]{36}$/);
  ctx.runUrl = new URL(page.url()).pathname;
  ctx.runId = ctx.runUrl.split("/").pop();
  const status = page.getByTestId("run-status");
  await waitFor("the run to complete", async () => {
    const text = (await status.textContent().catch(() => "")) ?? "";
    seen.add(text);
    return text === "Completed";
  });
  await page.getByTestId("run-summary").waitFor();
  const clients = await page.getByTestId("run-clients").textContent();
  if (!/^(\d+) \/ \1 clients · 100 %$/.test(clients ?? "")) throw new Error(`clients: ${clients}`);
  const run = await api("GET", `/api/v1/billing/runs/${ctx.runId}`);
  // The run bills every billable client of the database: this spec's four, plus any the earlier spec files
  // left active; each billed client gets one invoice.
  if (
    run.due_days !== 20 ||
    run.tax_rate !== "0.20" ||
    run.dry_run ||
    run.invoices_count < 4 ||
    run.invoices_count !== run.clients_total
  )
    throw new Error(`run: ${JSON.stringify(run)}`);
  if ((await page.getByTestId("run-invoices").textContent()) !== String(run.invoices_count))
    throw new Error("invoices figure");
  await page.getByText("All PDFs rendered").waitFor({ timeout: 60_000 });
  console.log(`       run statuses seen on screen: ${[...seen].join(" → ")}`);
  await capture(page, "billing-run", ctx.runUrl);
});

await test("open an invoice of the run: lines, totals and its PDF inline with the SHA-256", async () => {
  const [invoice] = (await api("GET", `/api/v1/invoices?client_id=${ctx.clients[0].id}&run_id=${ctx.runId}`))
    .items;
  ctx.invoice = invoice;
  await page.goto(`${base}${ctx.runUrl}`);
  await page.getByRole("link", { name: invoice.invoice_number }).click();
  await page.waitForURL(`${base}/invoices/${invoice.id}`);
  await page.getByRole("heading", { name: invoice.invoice_number }).waitFor();
  await page.getByRole("table", { name: "Invoice lines" }).getByText("E2E MOB").waitFor();
  const sha = await page.getByTestId("pdf-sha256").textContent({ timeout: 30_000 });
  if (!/^[0-9a-f]{64}$/.test(sha ?? "")) throw new Error(`sha: ${sha}`);
  await page.locator('iframe[title="Invoice PDF"]').waitFor();
  const [response, download] = await Promise.all([
    page.waitForResponse((r) => r.url().endsWith(`/invoices/${invoice.id}/pdf`) && r.status() === 200),
    page.waitForEvent("download"),
    page.getByRole("button", { name: "Download the PDF" }).click(),
  ]);
  if (!response.headers()["content-type"]?.startsWith("application/pdf"))
    throw new Error(`content-type ${response.headers()["content-type"]}`);
  const bytes = readFileSync(await download.path());
  if (bytes.subarray(0, 4).toString("latin1") !== "%PDF") throw new Error("not a PDF");
  if (response.headers()["x-content-sha256"] !== sha) throw new Error("SHA-256 shown is not the served one");
  // The run audits each batch once: the invoice's trail shows the batch that issued it, linked to the run.
  const batch = page.getByRole("link", { name: /^Batch FAC-\d{4}-\d+ → FAC-\d{4}-\d+ of the billing run$/ });
  await batch.waitFor();
  if ((await batch.getAttribute("href")) !== ctx.runUrl)
    throw new Error(`batch link: ${await batch.getAttribute("href")}`);
  await capture(page, "invoice-detail", `/invoices/${invoice.id}`);
});

await test("a partial payment then the rest, from the screen: the invoice becomes paid", async () => {
  const invoice = ctx.invoice;
  await page.goto(`${base}/invoices/${invoice.id}`);
  await page.getByRole("link", { name: "Record a payment" }).click();
  await page.waitForURL(/\/collections\/payments\/new\?client_id=/);
  const form = page.getByRole("form", { name: "Record a payment" });
  await form.getByTestId("allocation-row").first().waitFor();
  // The chosen client is read whole (name, CIN and number): the picker's text is not cut by its width.
  const picked = page
    .getByRole("textbox", { name: "Client" })
    .or(page.getByRole("combobox", { name: "Client" }));
  await page.waitForFunction((input) => input.value.length > 0, await picked.first().elementHandle());
  const [shown, room] = await picked.first().evaluate((input) => [input.scrollWidth, input.clientWidth]);
  if (shown > room) throw new Error(`the client picker cuts its text: ${shown} px in ${room} px`);
  await form.getByLabel("Amount").fill("50");
  await form.getByLabel("Reference").fill(`VIR-${stamp}-1`);
  await form.getByRole("button", { name: "Record the payment" }).click();
  const rest = (Number(invoice.total) - 50).toFixed(2);
  await form.getByTestId("payment-result").getByText("still owes").waitFor();
  await form.getByLabel("Amount").fill(String(Number(rest) + 1));
  await form.getByTestId("allocation-problem").getByText("overpayment").waitFor();
  if (await form.getByRole("button", { name: "Record the payment" }).isEnabled())
    throw new Error("an overpayment can be submitted");
  await form.getByLabel("Amount").fill(rest);
  await form.getByLabel("Reference").fill(`VIR-${stamp}-2`);
  await form.getByRole("button", { name: "Record the payment" }).click();
  await form.getByTestId("payment-result").getByText("now paid").waitFor();
  await form.getByText("This client owes nothing").waitFor();
  await page.goto(`${base}/invoices/${invoice.id}`);
  await page.getByRole("heading", { name: invoice.invoice_number }).waitFor();
  await page.getByText("Paid", { exact: true }).first().waitFor();
  const outstanding = await page.getByTestId("invoice-outstanding").textContent();
  if (!/^0[,.]00/.test(outstanding ?? "")) throw new Error(`outstanding ${outstanding}`);
  // The payments list is its own query: it may answer after the invoice, so wait for it rather than count once.
  const payments = page.getByRole("table", { name: "Payments allocated" }).getByRole("row");
  await waitFor("the two payments on the invoice page", async () => (await payments.count()) === 2, 15);
});

await test("a credit note of 10.00 excl. tax from the invoice page: numbered, listed, the outstanding reduced", async () => {
  const [invoice] = (await api("GET", `/api/v1/invoices?client_id=${ctx.clients[1].id}&run_id=${ctx.runId}`))
    .items;
  // By hand: 10.00 excl. tax plus the invoice's own rate, rounded half-up to the centime.
  const credit = (Math.round(10 * (1 + Number(invoice.tax_rate)) * 100) / 100).toFixed(2);
  const outstanding = (Number(invoice.outstanding_amount) - Number(credit)).toFixed(2);
  await page.goto(`${base}/invoices/${invoice.id}`);
  await page.getByRole("button", { name: "Issue a credit note" }).click();
  const dialog = page.getByRole("dialog", { name: `Credit note on invoice ${invoice.invoice_number}` });
  // The form states what the API says is still creditable: nothing credited yet, the whole subtotal.
  const before = await api("GET", `/api/v1/invoices/${invoice.id}`);
  if (before.creditable_subtotal !== invoice.subtotal || before.creditable_total !== invoice.total)
    throw new Error(`creditable before: ${before.creditable_subtotal} / ${before.creditable_total}`);
  const stated = (await dialog.getByText(/^Still creditable: /).textContent()) ?? "";
  if (!stated.replace(/,/g, "").includes(`${invoice.subtotal}\u00a0MAD excl. tax`))
    throw new Error(`stated: ${stated}`);
  await dialog.getByLabel("An amount excluding tax").check();
  await dialog.getByLabel(/Amount excl\. tax/).fill("10");
  await dialog.getByLabel(/Reason/).fill("Service interrupted two days");
  await page.screenshot({ path: `${shots}credit-note-form-en-1280.png` });
  await dialog.getByRole("button", { name: "Issue the credit note" }).click();
  const issued = page.getByText(/^AV-\d{4}-\d{6} issued for /);
  await issued.waitFor();
  const number = (await issued.textContent())?.match(/AV-\d{4}-\d{6}/)?.[0];
  if (!(await issued.textContent())?.includes(credit))
    throw new Error(`issued: ${await issued.textContent()}`);
  const notes = page.getByRole("table", { name: "Credit notes" });
  await notes.getByText(number).waitFor();
  // The form closes with a fade: a click while its overlay is still fading lands on the overlay, not the page.
  await dialog.waitFor({ state: "hidden" });
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    notes.getByRole("button", { name: `Download the PDF of credit note ${number}` }).click(),
  ]);
  if (
    readFileSync(await download.path())
      .subarray(0, 4)
      .toString("latin1") !== "%PDF"
  )
    throw new Error("the credit note download is not a PDF");
  if (download.suggestedFilename() !== `avoir-${number}.pdf`)
    throw new Error(`saved as ${download.suggestedFilename()}`);
  // The page reloads the invoice once the note is issued: its outstanding amount is the figure by hand.
  await waitFor(
    "the outstanding amount after the credit note",
    async () => {
      const shown = (await page.getByTestId("invoice-outstanding").textContent()) ?? "";
      return shown.replace(/[^0-9.,]/g, "").replace(",", ".") === outstanding;
    },
    15,
  );
  const after = await api("GET", `/api/v1/invoices/${invoice.id}`);
  if (after.outstanding_amount !== outstanding || after.credited_amount !== credit)
    throw new Error(`invoice after: ${after.outstanding_amount} / ${after.credited_amount}`);
  // By hand: 10.00 less to credit excl. tax, and the note's total less incl. tax.
  const less = (amount, by) => (Number(amount) - Number(by)).toFixed(2);
  if (
    after.creditable_subtotal !== less(invoice.subtotal, "10.00") ||
    after.creditable_total !== less(invoice.total, credit)
  )
    throw new Error(`creditable after: ${after.creditable_subtotal} / ${after.creditable_total}`);
  // The trail shows the credit note's own event (audited on the credit note), in the page's words.
  const event = page.getByText(new RegExp(`^${number} for ${credit.replace(".", "\\.")}\\sMAD incl\\. tax$`));
  await event.waitFor();
  // Its timeline item (content, then body) carries the event's title.
  const item = (await event.locator("xpath=../..").textContent()) ?? "";
  if (!item.startsWith("Credit note issued")) throw new Error(`trail item: ${item}`);
  await page.screenshot({ path: `${shots}credit-note-issued-en-1280.png`, fullPage: true });
});

await test("an overdue case: evaluation opens it, the aging chart shows it, a payment resolves it", async () => {
  const evaluation = await api("POST", "/api/v1/collections/evaluations", {});
  if (evaluation.cases_opened < 1) throw new Error(JSON.stringify(evaluation));
  await page.goto(`${base}/collections`);
  const bucket = page.getByTestId("bucket-31-60");
  // One invoice: the singular, each figure kept whole by its no-break space.
  await bucket.getByText(/^31-60\sd: .* · invoice:\s1$/).waitFor();
  await bucket.click();
  await page.waitForURL(/aging_bucket=31-60/);
  const cases = await api("GET", `/api/v1/collections/cases?client_id=${ctx.late.client_id}`);
  const caseId = cases.items[0].id;
  ctx.caseId = caseId;
  await page.locator(`a[href="/collections/cases/${caseId}"]`).first().click();
  await page.waitForURL(`${base}/collections/cases/${caseId}`);
  if ((await page.getByTestId("case-status").textContent()) !== "Open") throw new Error("case not open");
  await capture(page, "collections-overview", "/collections");
  await capture(page, "case-detail", `/collections/cases/${caseId}`);
  await capture(page, "payment", `/collections/payments/new?client_id=${ctx.late.client_id}`);
  await page.goto(`${base}/collections/cases/${caseId}`);
  const total = cases.items[0].total_overdue;
  const form = page.getByRole("form", { name: "Record a payment" });
  await form.getByTestId("allocation-row").first().waitFor();
  await form.getByLabel("Amount").fill(total);
  await form.getByLabel("Method").click();
  await page.getByRole("option", { name: "Mobile money" }).click();
  await form.getByRole("button", { name: "Record the payment" }).click();
  await form
    .getByTestId("payment-result")
    .getByText("now paid")
    .waitFor()
    .catch(() => undefined);
  await waitFor("the case to be resolved", async () => {
    return (await page.getByTestId("case-status").textContent()) === "Resolved";
  });
});

await test("export the invoices CSV: one row per invoice of the list", async () => {
  await page.goto(`${base}/invoices`);
  await page.getByRole("heading", { name: "Invoices" }).waitFor();
  const listed = await api("GET", "/api/v1/invoices?limit=200");
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("button", { name: "Export CSV" }).click(),
  ]);
  const rows = readFileSync(await download.path(), "utf8")
    .split("\r\n")
    .filter(Boolean);
  if (rows.length !== listed.total + 1) throw new Error(`CSV ${rows.length} rows for ${listed.total}`);
  for (const invoice of listed.items)
    if (!rows.some((row) => row.includes(invoice.invoice_number))) throw new Error(invoice.invoice_number);
  await page.goto(`${base}/invoices?status=paid`);
  const [paid] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("button", { name: "Export CSV" }).click(),
  ]);
  const paidRows = readFileSync(await paid.path(), "utf8")
    .split("\r\n")
    .filter(Boolean);
  if (paidRows.length !== 3) throw new Error(`paid CSV:\n${paidRows.join("\n")}`); // header + 2 paid
  await capture(page, "invoices-list", "/invoices");
});

await test("the dashboard shows the real figures and its links open the lists", async () => {
  const figures = await api("GET", "/api/v1/reporting/dashboard");
  await page.goto(`${base}/`);
  const clients = await page.getByTestId("dash-clients").textContent();
  if (clients !== String(figures.active_clients)) throw new Error(`clients ${clients}`);
  const invoiced = await page.getByTestId("dash-invoiced").textContent();
  if (Number(figures.invoiced_this_month) <= 0 || /^0[,.]00/.test(invoiced ?? ""))
    throw new Error(`invoiced ${invoiced} / ${figures.invoiced_this_month}`);
  // The last run's period, in the page's language ("1 Nov 2026 → 30 Nov 2026"), links to that run.
  const lastRun = page.locator(`a[href="${ctx.runUrl}"]`).first();
  await lastRun.waitFor();
  const period = (await lastRun.textContent()) ?? "";
  const year = String(monthStart.getUTCFullYear());
  if (!period.includes("→") || !period.includes(year) || /\d{4}-\d{2}-\d{2}/.test(period))
    throw new Error(`last run shown as ${period}`);
  for (const [testId, path] of [
    ["dash-invoiced", "/invoices"],
    ["dash-overdue", "/invoices?status=overdue"],
    ["dash-cases", "/collections"],
    ["dash-clients", "/clients"],
  ]) {
    await page.goto(`${base}/`);
    await page.getByTestId(testId).click();
    await page.waitForURL(`${base}${path}`);
  }
  await capture(page, "dashboard", "/");
});
