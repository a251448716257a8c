import { describe, expect, it } from "vitest";
import { formatCount, formatDate, formatPercent, formatMoney, formatPhone } from "@/lib/format";

// Intl separates French thousands with a narrow no-break space (U+202F); the amount and MAD with U+00A0.
const nnbsp = "\u202f";
const nbsp = "\u00a0";

describe("formatting for the operator's language", () => {
  it("writes MAD amounts the French way", () => {
    expect(formatMoney("1234.50", "fr")).toBe(`1${nnbsp}234,50${nbsp}MAD`);
  });

  it("writes MAD amounts the English way", () => {
    expect(formatMoney("1234.50", "en")).toBe(`1,234.50${nbsp}MAD`);
  });

  it("keeps every digit of a large amount (no float rounding)", () => {
    expect(formatMoney("123456789012.35", "en")).toBe(`123,456,789,012.35${nbsp}MAD`);
  });

  it("shows a business date as that calendar day in any time zone", () => {
    expect(formatDate("2026-12-01", "fr")).toBe("1 déc. 2026");
    expect(formatDate("2026-12-01", "en")).toBe("1 Dec 2026");
  });

  it("groups a canonical Moroccan number for reading", () => {
    expect(formatPhone("+212655334422")).toBe("+212 6 55 33 44 22");
  });
});

describe("formatCount", () => {
  it("groups thousands as each language writes them", () => {
    expect(formatCount(10000, "en")).toBe("10,000");
    expect(formatCount(10000, "fr")).toBe("10\u202f000");
    expect(formatCount(12, "fr")).toBe("12");
  });
});

describe("formatPercent", () => {
  it("writes a ratio of the API as a percentage with one decimal, per language", () => {
    expect(formatPercent("0.4123", "en")).toBe("41.2%");
    expect(formatPercent("0.4123", "fr")).toBe("41,2\u00a0%");
    expect(formatPercent(null, "fr")).toBe("—");
  });
});
