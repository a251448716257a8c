// End-to-end run on the real backend: the harness starts a fresh backend and Chromium, then each spec file
// of e2e/specs/ runs in name order (each builds on none of the others' data unless it says so), and last
// the accessibility verdict over every page the specs captured.
import { readdirSync, statSync } from "node:fs";
import {
  axeProblems,
  browser,
  layoutProblems,
  results,
  server,
  serverLog,
  shots,
  sidewaysOverflow,
  test,
} from "./harness.mjs";

const started = Date.now();

// The layout verdict below is only worth something if its measure sees a page that is too wide.
await test("the sideways-scroll measure sees a page wider than its window, and not one that fits", async () => {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  await page.setContent('<body style="margin:0"><div style="width:1500px">too wide</div></body>');
  const wide = await sidewaysOverflow(page);
  await page.setContent('<body style="margin:0"><div style="max-width:100%">fits</div></body>');
  const fitting = await sidewaysOverflow(page);
  await page.close();
  if (wide !== 220 || fitting !== 0)
    throw new Error(`measured ${wide} px and ${fitting} px, expected 220 and 0`);
});

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

// Screenshots are looked at after the run (the otp run keeps its own under otp/): a run that saved none
// has silently lost what there was to look at.
await test(`this run saved its screenshots in ${shots.slice(shots.indexOf("e2e/"))}`, async () => {
  const saved = readdirSync(shots).filter(
    (f) => f.endsWith(".png") && statSync(`${shots}${f}`).mtimeMs >= started,
  );
  if (!saved.length) throw new Error(`no screenshot written under ${shots} by this run`);
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
