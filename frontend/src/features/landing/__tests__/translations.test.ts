import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import ar from "@/locales/ar/landing.json";
import en from "@/locales/en/landing.json";
import fr from "@/locales/fr/landing.json";

// Plural forms differ by language (Arabic has six): keys are compared without their plural suffix.
const PLURAL = /_(zero|one|two|few|many|other)$/;
// Keys chosen at run time: by API error code, invoice status, category, fee direction, problem type.
const DYNAMIC = ["codes.", "status.", "categories.", "plan.direction_", "plan.difference_", "validation."];

function flatten(tree: Record<string, unknown>, prefix = ""): string[] {
  return Object.entries(tree).flatMap(([key, value]) =>
    typeof value === "object" && value !== null
      ? flatten(value as Record<string, unknown>, `${prefix}${key}.`)
      : [`${prefix}${key}`],
  );
}
const keys = (tree: Record<string, unknown>) =>
  [...new Set(flatten(tree).map((key) => key.replace(PLURAL, "")))].sort();

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === "__tests__" ? [] : sources(path);
    return /\.tsx?$/.test(name) ? [readFileSync(path, "utf8")] : [];
  });
}

describe("landing texts", () => {
  it.each([
    ["en", en],
    ["ar", ar],
  ])("%s has exactly the keys of fr", (_language, texts) => {
    expect(keys(texts)).toEqual(keys(fr));
  });
  it("Arabic has every plural form its counts need", () => {
    for (const base of [
      "invoices.count",
      "codes.rate_limited",
      "codes.rate_limited_minutes",
      "start_date.window_days",
    ]) {
      for (const form of ["zero", "one", "two", "few", "many", "other"]) {
        expect(flatten(ar), `${base}_${form}`).toContain(`${base}_${form}`);
      }
    }
  });
  it("every key is used by the landing source", () => {
    const source = sources(join(import.meta.dirname, "..")).join("\n");
    const unused = keys(fr).filter(
      (key) => !DYNAMIC.some((prefix) => key.startsWith(prefix)) && !source.includes(`"${key}"`),
    );
    expect(unused).toEqual([]);
  });
  it.each([
    ["fr", fr],
    ["en", en],
    ["ar", ar],
  ])(
    "%s: every amount in a sentence goes through the money format (as standalone amounts, isolated)",
    (_l, texts) => {
      const amounts = JSON.stringify(texts).match(/\{\{\s*amount[^}]*\}\}/g) ?? [];
      expect(amounts.length).toBeGreaterThan(0);
      expect(amounts.filter((placeholder) => placeholder !== "{{amount, money}}")).toEqual([]);
    },
  );
  it("Arabic keeps every phone number of its texts in a left-to-right isolate", () => {
    // "06 55 33 44 22" in an Arabic sentence showed its groups right to left: "22 44 33 55 06".
    const numbers = JSON.stringify(ar).match(/.(?:\+212 \d|0\d)(?: \d{2}){4}/g) ?? [];
    expect(numbers.length).toBeGreaterThan(0);
    expect(numbers.filter((number) => !number.startsWith("\u2066"))).toEqual([]);
  });
});
