/**
 * Money as the API writes it ("199.00", two decimals) handled in whole centimes, never floats, so the SPA
 * agrees with the server's Decimal to the centime.
 */

/** Parse a money string ("120", "120.5", "120,50") into centimes; null when it is not an amount. */
export function toCentimes(value: string): number | null {
  const match = /^\s*(\d{1,12})(?:[.,](\d{1,2}))?\s*$/.exec(value);
  if (!match) return null;
  return Number(match[1]) * 100 + Number((match[2] ?? "").padEnd(2, "0"));
}

/** Centimes written as the API takes money: "120.50". */
export function fromCentimes(centimes: number): string {
  const sign = centimes < 0 ? "-" : "";
  const absolute = Math.abs(centimes);
  return `${sign}${Math.floor(absolute / 100)}.${String(absolute % 100).padStart(2, "0")}`;
}
