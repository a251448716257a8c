// End-to-end run on the real backend: the harness starts a fresh backend and Chromium, then each spec file
// of e2e/specs/ runs in name order (each builds on none of the others' data unless it says so), and last
// the accessibility verdict over every page the specs captured.
import { readdirSync } from "node:fs";
import { axeProblems, browser, layoutProblems, results, server, serverLog, test } from "./harness.mjs";

const only = process.env.MTF_E2E_ONLY; // e.g. MTF_E2E_ONLY=02 runs the spec files whose name has it
for (const file of readdirSync(new URL("./specs/", import.meta.url)).sort()) {
  if (!file.endsWith(".mjs") || (only && !file.includes(only))) continue;
  console.log(`# ${file}`);
  await import(`./specs/${file}`);
}

await test("no page has a serious or critical accessibility violation", async () => {
  if (axeProblems.length) throw new Error(axeProblems.join("\n"));
});

await test("no captured workspace page scrolls sideways at 1280 or 1920 px", async () => {
  if (layoutProblems.length) throw new Error(layoutProblems.join("\n"));
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
