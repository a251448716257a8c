// Operator workspace, part 1 (issue 11): login, the Clients tab, global search.
import { readFileSync } from "node:fs";
import { base, browser, capture, check, test } from "../harness.mjs";

export const context = await browser.newContext({
  acceptDownloads: true,
  viewport: { width: 1280, height: 900 },
});
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
  // An open dialog is checked like a page: its close button once had no name (axe: button-name, critical).
  await page.getByRole("dialog").getByRole("button", { name: "Close" }).waitFor();
  // Checked once its opening transition has ended: half-faded text measures as low contrast.
  await page.waitForFunction(() => document.getAnimations().every((a) => a.playState !== "running"));
  await check(page, "client delete dialog");
  await page.getByRole("dialog").getByRole("button", { name: "Delete" }).click();
  await page.waitForURL(`${base}/clients`);
});
