import { describe, expect, it } from "vitest";
import { forgetIdempotencyKey, idempotencyKeyFor } from "@/features/landing/lib/idempotency";
import { createLandingI18n, directionOf, loadTexts, resolveLanguage } from "@/features/landing/lib/language";
import { parseDraftId, parseJourney } from "@/features/landing/lib/location";
import { feeDifference, money, toCents } from "@/features/landing/lib/money";
import { formatMoney } from "@/lib/format";

describe("language choice", () => {
  it("?lang= wins over the stored choice and the browser", () => {
    expect(resolveLanguage("?lang=ar", "en", ["fr-FR"])).toBe("ar");
  });
  it("then the stored choice, then the browser, then French", () => {
    expect(resolveLanguage("", "en", ["ar-MA"])).toBe("en");
    expect(resolveLanguage("?lang=de", null, ["de-DE", "ar-MA", "en"])).toBe("ar");
    expect(resolveLanguage("", "xx", ["de-DE"])).toBe("fr");
  });
  it("Arabic reads right to left", () => {
    expect(directionOf("ar")).toBe("rtl");
    expect(directionOf("fr")).toBe("ltr");
  });
});

describe("address", () => {
  it("reads the journey from the query and the draft from the fragment", () => {
    expect(parseJourney("?journey=plan-change&lang=ar")).toBe("plan-change");
    expect(parseJourney("?journey=admin")).toBe("home");
    expect(parseDraftId("#draft=3f2b8c1e-9d4a-4b6e-8f00-123456789abc")).toBe(
      "3f2b8c1e-9d4a-4b6e-8f00-123456789abc",
    );
    expect(parseDraftId("#draft=../../x")).toBeNull();
  });
});

describe("Idempotency-Key", () => {
  it("the same body keeps its key (double click, retry); another body gets a new one", () => {
    const storage = window.sessionStorage;
    forgetIdempotencyKey("test", storage);
    const first = idempotencyKeyFor("test", { offer: "a" }, storage);
    expect(idempotencyKeyFor("test", { offer: "a" }, storage)).toBe(first);
    const second = idempotencyKeyFor("test", { offer: "b" }, storage);
    expect(second).not.toBe(first);
    forgetIdempotencyKey("test", storage);
    expect(idempotencyKeyFor("test", { offer: "b" }, storage)).not.toBe(second);
  });
});

describe("fee difference", () => {
  it("is computed in cents from the strings", () => {
    expect(toCents("199.90")).toBe(19990);
    // 299.00 - 199.90 = 99.10 more per month
    expect(feeDifference("199.90", "299.00")).toEqual({ amount: "99.10", direction: "upgrade" });
    // 99.00 - 199.90 = -100.90
    expect(feeDifference("199.90", "99.00")).toEqual({ amount: "100.90", direction: "downgrade" });
    expect(feeDifference("0.10", "0.10")).toEqual({ amount: "0.00", direction: "same" });
  });
});

describe("amounts inside sentences", () => {
  const LRI = "\u2066";
  const PDI = "\u2069";
  it.each([
    ["ar", "\u20661.357,60\u00a0MAD\u2069 / شهريًا", "المبلغ المتبقي: \u20661.357,60\u00a0MAD\u2069"],
    [
      "fr",
      "\u20661\u202f357,60\u00a0MAD\u2069 / mois",
      "Reste à payer\u00a0: \u20661\u202f357,60\u00a0MAD\u2069",
    ],
    ["en", "\u20661,357.60\u00a0MAD\u2069 / month", "Left to pay: \u20661,357.60\u00a0MAD\u2069"],
  ] as const)(
    "%s: a sentence shows the amount as it stands alone, number first, in a left-to-right isolate",
    async (language, perMonth, outstanding) => {
      const i18n = createLandingI18n(language, await loadTexts(language));
      // Arabic read "MAD 357,60" in sentences and "357,60 MAD" alone: the same string now, isolated.
      expect(money("1357.60", language)).toBe(`${LRI}${formatMoney("1357.60", language)}${PDI}`);
      expect(i18n.t("offer.per_month", { amount: "1357.60" })).toBe(perMonth);
      expect(i18n.t("invoices.outstanding", { amount: "1357.60", currency: "MAD" })).toBe(outstanding);
      expect(i18n.t("offer.per_month", { amount: "1357.60" })).toContain(money("1357.60", language));
    },
  );
});
