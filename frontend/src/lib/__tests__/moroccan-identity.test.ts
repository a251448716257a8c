import { describe, expect, it } from "vitest";
import { normalizeCin, normalizeMoroccanNumber } from "@/lib/moroccan-identity";

describe("Moroccan numbers, as the backend normalises them", () => {
  it.each([
    ["+212 6 55 33 44 22", "+212655334422"],
    ["06 55 33 44 22", "+212655334422"],
    ["07 55 33 44 22", "+212755334422"],
    ["0655334422", "+212655334422"],
    ["212655334422", "+212655334422"],
    ["00212655334422", "+212655334422"],
  ])("accepts %s as %s", (raw, canonical) => {
    expect(normalizeMoroccanNumber(raw)).toBe(canonical);
  });

  it("refuses a landline where a mobile is required, and the reverse", () => {
    expect(normalizeMoroccanNumber("05 37 12 34 56", "mobile")).toBeNull();
    expect(normalizeMoroccanNumber("06 55 33 44 22", "landline")).toBeNull();
    expect(normalizeMoroccanNumber("05 37 12 34 56", "landline")).toBe("+212537123456");
  });

  it("refuses numbers of the wrong length or family", () => {
    expect(normalizeMoroccanNumber("065533442")).toBeNull();
    expect(normalizeMoroccanNumber("0955334422")).toBeNull();
    expect(normalizeMoroccanNumber("+33655334422")).toBeNull();
  });
});

describe("CIN", () => {
  it("upper-cases and strips spaces", () => {
    expect(normalizeCin(" ab 123456 ")).toBe("AB123456");
  });
  it("refuses three letters or nine digits", () => {
    expect(normalizeCin("ABC123")).toBeNull();
    expect(normalizeCin("A123456789")).toBeNull();
  });
});
