import { describe, expect, it } from "vitest";
import { fromCentimes, toCentimes } from "@/lib/money";

describe("money in centimes", () => {
  it("reads amounts with a point or a comma and up to two decimals", () => {
    expect(toCentimes("120")).toBe(12000);
    expect(toCentimes("120.5")).toBe(12050);
    expect(toCentimes(" 120,05 ")).toBe(12005);
    expect(toCentimes("0.03")).toBe(3);
  });

  it("refuses what is not an amount: three decimals, a sign, letters, nothing", () => {
    for (const text of ["1.234", "-5", "12a", "", "1.", ".5", "1 000"]) expect(toCentimes(text)).toBeNull();
  });

  it("keeps every centime of a large amount (no float rounding)", () => {
    expect(toCentimes("123456789012.35")).toBe(12345678901235);
    expect(fromCentimes(12345678901235)).toBe("123456789012.35");
  });

  it("writes centimes as the API takes money", () => {
    expect(fromCentimes(5000)).toBe("50.00");
    expect(fromCentimes(7)).toBe("0.07");
    expect(fromCentimes(-150)).toBe("-1.50");
  });
});
