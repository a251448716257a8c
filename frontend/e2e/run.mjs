// End-to-end run on the real backend (issue 11): migrate a fresh database, start `mtf serve` serving the
// production build on a port of our own, drive Debian's Chromium with playwright-core (no browser
// download), check every page with axe-core and save screenshots (light/dark, fr/en, 1280/1920 px).
import { spawn, spawnSync } from "node:child_process";
import { mkdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import AxeBuilder from "@axe-core/playwright";
import { chromium } from "playwright-core";

const frontend = fileURLToPath(new URL("..", import.meta.url));
const backend = fileURLToPath(new URL("../../backend/", import.meta.url));
const shots = `${frontend}e2e/screenshots/`;
const port = Number(process.env.MTF_E2E_PORT ?? 8310);
const base = `http://127.0.0.1:${port}`;
const mtf = `${backend}.venv/bin/mtf`;
const env = {
  ...process.env,
  MTF_ENVIRONMENT: "local",
  MTF_FRONTEND_DIST: `${frontend}dist`,
  MTF_EMBEDDED_DB_NAME: `mtf_e2e_${Date.now()}`,
  MTF_BOOTSTRAP_ADMIN_USERNAME: "admin",
  MTF_BOOTSTRAP_ADMIN_PASSWORD: "admin-local-password",
};
if (process.env.MTF_TEST_DATABASE_URL) {
  // A throwaway database on that server: the run never touches an existing one.
  const url = new URL(process.env.MTF_TEST_DATABASE_URL);
  url.pathname = `/${env.MTF_EMBEDDED_DB_NAME}`;
  spawnSync("psql", [process.env.MTF_TEST_DATABASE_URL, "-c", `CREATE DATABASE ${env.MTF_EMBEDDED_DB_NAME}`]);
  env.MTF_DATABASE_URL = url.toString();
}

const migrate = spawnSync(mtf, ["migrate"], { cwd: backend, env, encoding: "utf8" });
if (migrate.status !== 0) {
  console.error(migrate.stdout, migrate.stderr);
  process.exit(1);
}
const server = spawn(mtf, ["serve", "--host", "127.0.0.1", "--port", String(port)], {
  cwd: backend,
  env,
  stdio: ["ignore", "pipe", "pipe"],
});
let serverLog = "";
server.stdout.on("data", (chunk) => (serverLog += chunk));
server.stderr.on("data", (chunk) => (serverLog += chunk));
for (let i = 0; i < 90; i++) {
  try {
    if ((await fetch(`${base}/health/ready`)).ok) break;
  } catch {
    // Not listening yet: the server is still starting.
  }
  await new Promise((resolve) => setTimeout(resolve, 1000));
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
  args: [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
  ],
});
mkdirSync(shots, { recursive: true });
const results = [];
const axeProblems = [];

async function check(page, name) {
  const analysis = await new AxeBuilder({ page }).analyze();
  const serious = analysis.violations.filter((v) => ["serious", "critical"].includes(v.impact ?? ""));
  for (const v of serious)
    axeProblems.push(
      `${name}: ${v.id} (${v.impact}) ${v.nodes
        .map((n) => n.target.join(" "))
        .slice(0, 3)
        .join(", ")}`,
    );
}

/** Screenshot a page in each language, colour scheme and width, and check each with axe. */
async function capture(page, name, url) {
  for (const language of ["fr", "en"]) {
    for (const scheme of ["light", "dark"]) {
      await page.evaluate(
        ([l, s]) => {
          localStorage.setItem("mtf.language", l);
          localStorage.setItem("mtf.color-scheme", s);
        },
        [language, scheme],
      );
      for (const width of [1280, 1920]) {
        await page.setViewportSize({ width, height: 900 });
        await page.goto(`${base}${url}`);
        await page.waitForLoadState("networkidle");
        await page.screenshot({ path: `${shots}${name}-${language}-${scheme}-${width}.png`, fullPage: true });
      }
      await check(page, `${name} ${language} ${scheme}`);
    }
  }
  await page.evaluate(() => localStorage.setItem("mtf.language", "en"));
}

async function test(name, body) {
  try {
    await body();
    results.push([name, true]);
    console.log(`  ok   ${name}`);
  } catch (error) {
    results.push([name, false]);
    console.log(`  FAIL ${name}\n${error.stack ?? error}`);
  }
}

const context = await browser.newContext({ acceptDownloads: true, viewport: { width: 1280, height: 900 } });
const page = await context.newPage();
const cin = `E${String(Date.now()).slice(-6)}`;
let clientUrl = "";

await test("an unknown operator path sends to login, keeping the page to come back to", async () => {
  await page.goto(`${base}/clients?status=active`);
  await page.waitForURL(/\/login\?next=/);
  if (!decodeURIComponent(page.url()).includes("/clients?status=active")) throw new Error(page.url());
  await capture(page, "login", "/login");
});

await test("log in as the bootstrap admin and land on the page asked for", async () => {
  await page.goto(`${base}/login?next=${encodeURIComponent("/clients")}`);
  await page.getByLabel("Username").fill("admin");
  await page.locator('input[name="password"]').fill("admin-local-password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL(`${base}/clients`);
  await page.getByRole("heading", { name: "Clients" }).waitFor();
});

await test("create a client: the phone shows its +212 form, a bad CIN is refused before sending", async () => {
  await page.goto(`${base}/clients/new`);
  await page.getByLabel("CIN").fill("123");
  await page.getByLabel("First name").fill("Salma");
  await page.getByLabel("Last name").fill("Idrissi");
  await page.getByLabel("Phone").fill("06 61 22 33 44");
  await page.getByText("Stored as +212 6 61 22 33 44").waitFor();
  await page.getByRole("button", { name: "Create client" }).click();
  await page.getByText("CIN: 1 or 2 letters then up to 8 digits").waitFor();
  await page.getByLabel("CIN").fill(cin);
  await page.getByLabel("City").fill("Fès");
  await capture(page, "client-new", "/clients/new");
  await page.goto(`${base}/clients/new`);
  await page.getByLabel("CIN").fill(cin);
  await page.getByLabel("First name").fill("Salma");
  await page.getByLabel("Last name").fill("Idrissi");
  await page.getByLabel("Phone").fill("06 61 22 33 44");
  await page.getByLabel("City").fill("Fès");
  await page.getByRole("button", { name: "Create client" }).click();
  await page.waitForURL(/\/clients\/[0-9a-f-]{36}$/);
  await page.getByRole("heading", { name: "Salma Idrissi" }).waitFor();
  clientUrl = new URL(page.url()).pathname;
});

await test("a second client with the same CIN gets the error on the CIN field", async () => {
  await page.goto(`${base}/clients/new`);
  await page.getByLabel("CIN").fill(cin);
  await page.getByLabel("First name").fill("Autre");
  await page.getByLabel("Last name").fill("Client");
  await page.getByRole("button", { name: "Create client" }).click();
  await page.getByText("A live client already has this CIN.").waitFor();
});

await test("the list finds the client by CIN, keeps the search in the URL and exports it as CSV", async () => {
  await page.goto(`${base}/clients`);
  await page.getByLabel("Search", { exact: true }).fill(cin);
  await page.waitForURL(new RegExp(`q=${cin}`));
  await page.getByRole("link", { name: "Salma Idrissi" }).waitFor();
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("button", { name: "Export CSV" }).click(),
  ]);
  const csv = readFileSync(await download.path(), "utf8");
  if (!csv.includes(cin) || csv.split("\r\n").filter(Boolean).length !== 2) throw new Error(`CSV:\n${csv}`);
  await capture(page, "clients-list", `/clients?q=${cin}`);
});

await test("global search (Ctrl+K) finds the client by phone and Enter opens it", async () => {
  await page.goto(`${base}/offers`);
  // The shortcut is the shell's: wait until the workspace has rendered before pressing it.
  await page.getByRole("heading", { name: "Offers" }).first().waitFor();
  await page.keyboard.press("Control+k");
  await page.getByPlaceholder("Search for a client, contract or offer").fill("0661223344");
  await page.getByText("Salma Idrissi").waitFor();
  await page.keyboard.press("Enter");
  await page.waitForURL(`${base}${clientUrl}`);
});

await test("client detail, and a delete of a client without history", async () => {
  await capture(page, "client-detail", clientUrl);
  await page.goto(`${base}${clientUrl}`);
  await page.getByRole("button", { name: "Delete" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Delete" }).click();
  await page.waitForURL(`${base}/clients`);
});

await test("no page has a serious or critical accessibility violation", async () => {
  if (axeProblems.length) throw new Error(axeProblems.join("\n"));
});

await browser.close();
server.kill("SIGTERM");
const passed = results.filter(([, ok]) => ok).length;
const failed = results.length - passed;
console.log(`${passed} passed, ${failed} failed`);
if (failed) {
  console.log(serverLog.split("\n").slice(-30).join("\n"));
  process.exit(1);
}
