// Bundle budgets, checked after every build (issue 11): the operator entry (shell + login, everything
// loaded before a tab opens) at most 250 kB of gzipped JavaScript, each route chunk at most 150 kB
// beyond what the entry already loaded. Issue 13: everything /landing loads (the page's entry and the
// landing app chunk, with their imports) at most 180 kB of gzipped JavaScript and 40 kB of gzipped CSS.
// main.tsx loads either app as its own chunk (decision 0070). Issue 12: charts load only with the pages
// that draw them, and neither the operator entry nor /landing bundles a chart or data-table library.
// Prints the figures; exits 1 above a budget or when a heavy library reaches the entry or /landing.
import { readFileSync, writeFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { fileURLToPath } from "node:url";

const ENTRY_BUDGET = 250 * 1024;
const ROUTE_BUDGET = 150 * 1024;
const LANDING_JS_BUDGET = 180 * 1024;
const LANDING_CSS_BUDGET = 40 * 1024;
const dist = fileURLToPath(new URL("../dist/", import.meta.url));
const manifest = JSON.parse(readFileSync(`${dist}.vite/manifest.json`, "utf8"));

const gzipped = new Map();
function size(file) {
  if (!gzipped.has(file)) gzipped.set(file, gzipSync(readFileSync(dist + file), { level: 9 }).length);
  return gzipped.get(file);
}

/** Every JavaScript file a chunk loads at once: itself and its static imports, transitively. */
function closure(key, seen = new Set()) {
  if (seen.has(key)) return seen;
  seen.add(key);
  for (const imported of manifest[key].imports ?? []) closure(imported, seen);
  return seen;
}
const files = (keys) =>
  new Set([...keys].map((key) => manifest[key].file).filter((file) => file.endsWith(".js")));
const total = (set) => [...set].reduce((sum, file) => sum + size(file), 0);
const kB = (bytes) => `${(bytes / 1024).toFixed(1)} kB`;

const cssOf = (keys) => new Set([...keys].flatMap((key) => manifest[key].css ?? []));
const findKey = (suffix) => Object.keys(manifest).find((key) => key.endsWith(suffix));

const entryKey = Object.keys(manifest).find((key) => manifest[key].isEntry);
const loginKey = findKey("src/app/routes/login.tsx");
const operatorKey = findKey("src/app/operator-app.tsx");
const landingKey = findKey("src/features/landing/landing-app.tsx");
const entryKeys = closure(entryKey);
if (operatorKey) closure(operatorKey, entryKeys);
if (loginKey) closure(loginKey, entryKeys);
const entryFiles = files(entryKeys);
// Plus the workspace texts of one language (src/lib/i18n.ts fetches them before the first render): the
// largest language counts.
const workspaceTexts = {};
for (const key of Object.keys(manifest)) {
  const [, language, namespace] = /src\/locales\/([^/]+)\/([^/]+)\.json$/.exec(key) ?? [];
  if (!language || namespace === "landing") continue;
  workspaceTexts[language] = (workspaceTexts[language] ?? 0) + total(files(closure(key)));
}
const entrySize = total(entryFiles) + Math.max(0, ...Object.values(workspaceTexts));

const rows = [{ name: "operator entry (shell + login)", size: entrySize, budget: ENTRY_BUDGET }];
let landingCss = null;
if (landingKey) {
  const landingKeys = closure(landingKey, closure(entryKey));
  // Plus the texts of one language, loaded at start (the largest of the three).
  const texts = (manifest[landingKey].dynamicImports ?? []).filter((key) => key.endsWith("/landing.json"));
  const largestTexts = Math.max(0, ...texts.map((key) => total(files(closure(key)))));
  rows.push({
    name: "/landing (entry + landing app + texts)",
    size: total(files(landingKeys)) + largestTexts,
    budget: LANDING_JS_BUDGET,
  });
  landingCss = { name: "/landing CSS", size: total(cssOf(landingKeys)), budget: LANDING_CSS_BUDGET };
}
for (const key of Object.keys(manifest).sort()) {
  if (!manifest[key].isDynamicEntry || [loginKey, operatorKey, landingKey].includes(key)) continue;
  if (key.startsWith("src/locales/")) continue; // texts: counted with the page that loads them
  const own = [...files(closure(key))].filter((file) => !entryFiles.has(file));
  rows.push({ name: key.replace(/^src\//, ""), size: total(own), budget: ROUTE_BUDGET });
}

// Packages that must stay in the chunks of the pages using them (vite.config.ts lists each chunk's).
const HEAVY_PACKAGES = [/^recharts$/, /^d3-/, /^victory-/, /^mantine-datatable$/, /^@mantine\/charts$/];
const chunkPackages = JSON.parse(readFileSync(`${dist}.vite/chunk-packages.json`, "utf8"));
const heavyIn = (fileSet) =>
  [...fileSet].flatMap((file) =>
    (chunkPackages[file] ?? [])
      .filter((name) => HEAVY_PACKAGES.some((pattern) => pattern.test(name)))
      .map((name) => `${name} (${file})`),
  );
const misplaced = [
  ...heavyIn(entryFiles).map((found) => `operator entry bundles ${found}`),
  ...(landingKey ? heavyIn(files(closure(landingKey, closure(entryKey)))) : []).map(
    (found) => `/landing bundles ${found}`,
  ),
];

let failed = misplaced.length > 0;
for (const line of misplaced) console.error(`  MISPLACED ${line}`);
console.log("bundle budgets (gzipped JavaScript; last row CSS):");
for (const row of landingCss ? [...rows, landingCss] : rows) {
  const over = row.size > row.budget;
  failed ||= over;
  console.log(
    `  ${over ? "OVER" : "ok  "} ${row.name.padEnd(48)} ${kB(row.size).padStart(10)} / ${kB(row.budget)}`,
  );
}
writeFileSync(
  `${dist}bundle-report.json`,
  JSON.stringify(landingCss ? [...rows, landingCss] : rows, null, 2),
);
if (failed) {
  console.error(
    "bundle budget exceeded or a heavy library reached a first page: split the chunk before merging.",
  );
  process.exit(1);
}
