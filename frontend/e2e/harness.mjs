// The end-to-end harness: migrate a fresh database, start `mtf serve` serving the production build on a
// port of our own, drive Debian's Chromium with playwright-core (no browser download), check pages with
// axe-core and save screenshots. Spec files in e2e/specs/ use what this module exports; run.mjs runs them.
import { spawn, spawnSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import AxeBuilder from "@axe-core/playwright";
import { chromium } from "playwright-core";

const frontend = fileURLToPath(new URL("..", import.meta.url));
const backend = fileURLToPath(new URL("../../backend/", import.meta.url));
// The otp run of the landing spec keeps its own screenshots, so it does not overwrite the default run's.
export const shots = `${frontend}e2e/screenshots/${process.env.MTF_LANDING_VERIFICATION === "otp" ? "otp/" : ""}`;
const port = Number(process.env.MTF_E2E_PORT ?? 8310);
export const base = `http://127.0.0.1:${port}`;
const mtf = `${backend}.venv/bin/mtf`;
export const env = {
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

// A server already on the port (another run) would answer this run's browser: refuse instead of testing it.
const portTaken = await fetch(`${base}/health/live`).then(
  () => true,
  () => false,
);
if (portTaken) {
  console.error(`port ${port} already answers HTTP: stop that server or set MTF_E2E_PORT`);
  process.exit(1);
}

const migrate = spawnSync(mtf, ["migrate"], { cwd: backend, env, encoding: "utf8" });
if (migrate.status !== 0) {
  console.error(migrate.stdout, migrate.stderr);
  process.exit(1);
}
export const server = spawn(mtf, ["serve", "--host", "127.0.0.1", "--port", String(port)], {
  cwd: backend,
  env,
  stdio: ["ignore", "pipe", "pipe"],
});
export let serverLog = "";
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

export const browser = await chromium.launch({
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
export const results = [];
export const axeProblems = [];
export const layoutProblems = [];

/** How many pixels the page is wider than its window: more than 0 means it scrolls sideways. */
export async function sidewaysOverflow(page) {
  return page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
}

export async function check(page, name) {
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
export async function capture(page, name, url) {
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
        // A page wider than the window hides part of itself behind a sideways scroll (a table that does not
        // fit its column, a value that does not wrap): seen once only in a screenshot, now a verdict.
        const overflow = await sidewaysOverflow(page);
        if (overflow > 0)
          layoutProblems.push(`${name} ${language} ${scheme} ${width}px: ${overflow}px too wide`);
      }
      await check(page, `${name} ${language} ${scheme}`);
    }
  }
  await page.evaluate(() => localStorage.setItem("mtf.language", "en"));
}

export async function test(name, body) {
  try {
    await body();
    results.push([name, true]);
    console.log(`  ok   ${name}`);
  } catch (error) {
    results.push([name, false]);
    console.log(`  FAIL ${name}\n${error.stack ?? error}`);
  }
}

export const ADMIN = { username: "admin", password: "admin-local-password" };

/** A new browser context signed in as the bootstrap admin through the login page, in English. */
export async function signedInPage({ width = 1280, height = 900 } = {}) {
  const context = await browser.newContext({ acceptDownloads: true, viewport: { width, height } });
  const page = await context.newPage();
  await page.goto(`${base}/login`);
  // Once the first page has rendered: i18next stores the language it started in (French) as it starts.
  await page.locator('input[name="password"]').waitFor();
  await page.evaluate(() => localStorage.setItem("mtf.language", "en"));
  await page.goto(`${base}/login`);
  await page.getByLabel("Username").fill(ADMIN.username);
  await page.locator('input[name="password"]').fill(ADMIN.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL((url) => !url.pathname.startsWith("/login"));
  return page;
}

/** A staff token for seeding through the API itself (never through the database). */
let token = null;
export async function apiToken() {
  if (token) return token;
  const answer = await fetch(`${base}/api/v1/auth/token`, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ grant_type: "password", ...ADMIN }),
  });
  if (!answer.ok) throw new Error(`token: ${answer.status} ${await answer.text()}`);
  token = (await answer.json()).access_token;
  return token;
}

/** One API call as the admin; throws with the envelope on a non-2xx answer. */
export async function api(method, path, body, headers = {}) {
  const bearer = await apiToken();
  const answer = await fetch(`${base}${path}`, {
    method,
    headers: {
      Authorization: `Bearer ${bearer}`,
      ...(body ? { "Content-Type": "application/json" } : {}),
      ...(method === "GET" ? {} : { "Idempotency-Key": crypto.randomUUID() }),
      ...headers,
    },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await answer.text();
  if (!answer.ok) throw new Error(`${method} ${path}: ${answer.status} ${text}`);
  return text ? JSON.parse(text) : null;
}
