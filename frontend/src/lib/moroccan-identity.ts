/**
 * Client-side mirrors of the backend's rules (app/kit/phone.py, app/kit/identity.py) so most mistakes
 * are caught before a request; the backend stays the authority and its 422 lands on the same field.
 */
export type NumberFamily = "mobile" | "landline" | "any";

const FAMILY_FIRST_DIGITS: Record<NumberFamily, string> = { mobile: "67", landline: "58", any: "5678" };

/** The canonical `+212` + 9 digits form of an accepted intake format, or null when it is not one. */
export function normalizeMoroccanNumber(raw: string, family: NumberFamily = "any"): string | null {
  const compact = raw.replace(/[\s.\-()]/g, "");
  let national: string | null = null;
  if (/^\+212\d{9}$/.test(compact)) national = compact.slice(4);
  else if (/^00212\d{9}$/.test(compact)) national = compact.slice(5);
  else if (/^212\d{9}$/.test(compact)) national = compact.slice(3);
  else if (/^0\d{9}$/.test(compact)) national = compact.slice(1);
  else if (/^\d{9}$/.test(compact)) national = compact;
  if (national === null) return null;
  if (!FAMILY_FIRST_DIGITS[family].includes(national[0] ?? "")) return null;
  return `+212${national}`;
}

/** CIN: one or two letters then up to 8 digits (stored upper-case, without spaces). */
export function normalizeCin(raw: string): string | null {
  const compact = raw.replace(/\s/g, "").toUpperCase();
  return /^[A-Z]{1,2}\d{1,8}$/.test(compact) ? compact : null;
}
