// Optional, not part of `npm run e2e`: a billing run over 10,000 contracts started from the screen, its
// progress watched until it finishes. `npm run build` first, then:
//   MTF_E2E_PORT=8313 node e2e/bulk-billing.mjs [contracts, default 10000]
// Seeding that many contracts through the API would take far longer than the run itself, so one client and
// contract are made through the API and copied set-based with SQL (psql) into the harness's fresh e2e
// database only: never an existing one.
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { api, base, browser, env, server, serverLog, signedInPage } from "./harness.mjs";

const count = Number(process.argv[2] ?? 10_000);
const backend = fileURLToPath(new URL("../../backend/", import.meta.url));
const iso = (day) => day.toISOString().slice(0, 10);
const now = new Date();
const monthStart = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1));

function psqlUrl() {
  const answer = spawnSync(`${backend}.venv/bin/mtf`, ["db", "url"], { cwd: backend, env, encoding: "utf8" });
  if (answer.status !== 0) throw new Error(answer.stderr);
  const url = answer.stdout
    .trim()
    .split("\n")
    .pop()
    .replace(/^postgresql\+\w+:\/\//, "postgresql://");
  if (!url.includes(env.MTF_EMBEDDED_DB_NAME)) throw new Error(`not the e2e database: ${url}`);
  return url;
}

function sql(url, text) {
  const answer = spawnSync("psql", [url, "-v", "ON_ERROR_STOP=1", "-qAt", "-c", text], { encoding: "utf8" });
  if (answer.status !== 0) throw new Error(answer.stderr);
  return answer.stdout.trim();
}

try {
  const offer = await api("POST", "/api/v1/offers", {
    code: "BULK-MOB-99",
    name: "Bulk 99",
    category: "mobile",
    monthly_fee: "99.00",
    activation_fee: "0.00",
    valid_from: iso(monthStart),
    mobile_data_gb: "20",
    mobile_calls_hours: "10",
  });
  const client = await api("POST", "/api/v1/clients", {
    kind: "individual",
    cin: "Z1",
    first_name: "Bulk",
    last_name: "Template",
  });
  const { contract } = await api("POST", "/api/v1/contracts", {
    client_id: client.id,
    offer_id: offer.id,
    contract_start_date: iso(monthStart),
    intent: "new_line",
  });
  const url = psqlUrl();
  // Every column but the generated ones (the clients' search text), which PostgreSQL computes itself.
  const clientColumns = sql(
    url,
    "SELECT string_agg(quote_ident(column_name), ', ' ORDER BY ordinal_position) FROM information_schema.columns " +
      "WHERE table_name = 'clients' AND is_generated = 'NEVER'",
  );
  const started = Date.now();
  // Each copy: the template row as JSON with its identity fields replaced, back into a row of the table.
  sql(
    url,
    `BEGIN;
     INSERT INTO clients (${clientColumns}) SELECT ${clientColumns} FROM (
       SELECT (jsonb_populate_record(NULL::clients, to_jsonb(t) || jsonb_build_object(
         'id', gen_random_uuid(), 'cin', 'Z' || (g + 1), 'last_name', 'Client ' || g))).*
       FROM clients t, generate_series(1, ${count - 1}) g WHERE t.id = '${client.id}') copied;
     CREATE TEMP TABLE bulk ON COMMIT DROP AS
       SELECT c.id AS client_id, substr(c.cin, 2)::int AS n, gen_random_uuid() AS subscriber_id
       FROM clients c WHERE c.cin ~ '^Z[0-9]+$' AND c.cin <> 'Z1';
     INSERT INTO subscribers SELECT (jsonb_populate_record(NULL::subscribers, to_jsonb(s) || jsonb_build_object(
       'id', b.subscriber_id, 'client_id', b.client_id, 'phone_number', '+21269' || lpad(b.n::text, 7, '0')))).*
     FROM subscribers s, bulk b WHERE s.id = '${contract.subscriber_id}';
     INSERT INTO contracts SELECT (jsonb_populate_record(NULL::contracts, to_jsonb(k) || jsonb_build_object(
       'id', gen_random_uuid(), 'client_id', b.client_id, 'subscriber_id', b.subscriber_id,
       'contract_number', 'BULK-' || lpad(b.n::text, 8, '0')))).*
     FROM contracts k, bulk b WHERE k.id = '${contract.id}';
     COMMIT;`,
  );
  const contracts = sql(url, "SELECT count(*) FROM contracts WHERE status = 'active'");
  console.log(`seeded ${contracts} active contracts in ${((Date.now() - started) / 1000).toFixed(1)} s`);

  const page = await signedInPage();
  await page.goto(`${base}/invoices/runs/new`);
  await page.getByRole("button", { name: "Start the run" }).click();
  await page.waitForURL(/\/invoices\/runs\/[0-9a-f-]{36}$/);
  const t0 = Date.now();
  const runId = new URL(page.url()).pathname.split("/").pop();
  const elapsed = () => `${((Date.now() - t0) / 1000).toFixed(1).padStart(6)} s`;
  // What the operator sees move: the run's status and clients while it invoices, then the PDFs rendered.
  const seen = [];
  let invoiced = null;
  for (;;) {
    const status = await page.getByTestId("run-status").textContent();
    const clients = await page.getByTestId("run-clients").textContent();
    const pdfs = (await page.getByTestId("run-pdfs").count())
      ? await page.getByTestId("run-pdfs").textContent()
      : "";
    const state = `${status} · ${clients}${pdfs ? ` · ${pdfs}` : ""}`;
    if (seen.at(-1) !== state) {
      seen.push(state);
      console.log(`${elapsed()}  ${state}`);
    }
    if (status === "Failed") throw new Error("the run failed");
    if (status === "Completed" && invoiced === null) invoiced = Date.now() - t0;
    if (await page.getByText("All PDFs rendered").count()) break;
    if (Date.now() - t0 > 30 * 60_000) throw new Error("the run did not finish in 30 minutes");
    await page.waitForTimeout(250);
  }
  console.log(
    `invoicing finished after ${(invoiced / 1000).toFixed(1)} s; all PDFs after ${elapsed().trim()}`,
  );
  console.log(`${seen.length} distinct progress states seen on screen`);
  const run = await api("GET", `/api/v1/billing/runs/${runId}`);
  console.log(
    `run: ${run.invoices_count} invoices for ${run.clients_total} clients, total ${run.total_amount ?? "?"}`,
  );
  await page.screenshot({ path: "e2e/screenshots/bulk-run.png", fullPage: true });
  if (run.invoices_count !== count) throw new Error(`expected ${count} invoices, got ${run.invoices_count}`);
  if (seen.length < 3) throw new Error("the progress did not move on screen");
} catch (error) {
  console.error(error);
  console.log(serverLog.split("\n").slice(-20).join("\n"));
  process.exitCode = 1;
} finally {
  await browser.close();
  server.kill("SIGTERM");
}
