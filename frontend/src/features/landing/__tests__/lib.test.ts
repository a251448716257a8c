import { describe, expect, it } from "vitest";
import { forgetIdempotencyKey, idempotencyKeyFor } from "@/features/landing/lib/idempotency";
import { directionOf, resolveLanguage } from "@/features/landing/lib/language";
import { parseDraftId, parseJourney } from "@/features/landing/lib/location";
import { feeDifference, toCents } from "@/features/landing/lib/money";

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
