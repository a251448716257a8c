/**
 * Locale formatting of money and dates. Amounts arrive from the API as strings with two decimals and are
 * formatted from the string itself (Intl formats decimal strings exactly), never through a float.
 */
// French as written in Morocco groups thousands with dots (fr-MA); the workspace follows the issue: "1 234,50 MAD".
const localeTags: Record<string, string> = { fr: "fr-FR", en: "en-GB", ar: "ar-MA" };

function tag(language: string): string {
  return localeTags[language] ?? language;
}

export function formatMoney(amount: string | null | undefined, language: string, currency = "MAD"): string {
  if (amount === null || amount === undefined || amount === "") return "—";
  const number = new Intl.NumberFormat(tag(language), {
    minimumFractionDigits: 2,
    maximumFractionDigits: 2,
    numberingSystem: "latn",
  }).format(amount as unknown as number);
  // "1 234,50 MAD": the currency code after the amount, joined by a no-break space so it never wraps.
  return `${number}\u00a0${currency}`;
}

/** A count of records ("10 000" in French, "10,000" in English): large runs stay readable. */
export function formatCount(count: number, language: string): string {
  return new Intl.NumberFormat(tag(language), { maximumFractionDigits: 0, numberingSystem: "latn" }).format(
    count,
  );
}

/** A ratio from the API as a decimal string ("0.4123"), as a percentage with one decimal: "41,2 %". */
export function formatPercent(ratio: string | null | undefined, language: string): string {
  if (ratio === null || ratio === undefined || ratio === "") return "—";
  return new Intl.NumberFormat(tag(language), {
    style: "percent",
    minimumFractionDigits: 1,
    maximumFractionDigits: 1,
    numberingSystem: "latn",
  }).format(ratio as unknown as number);
}

/** A business date (`YYYY-MM-DD`), shown as that calendar day whatever the browser's time zone. */
export function formatDate(isoDate: string | null | undefined, language: string): string {
  if (!isoDate) return "—";
  const [year, month, day] = isoDate.slice(0, 10).split("-").map(Number);
  const date = new Date(Date.UTC(year ?? 1970, (month ?? 1) - 1, day ?? 1));
  return new Intl.DateTimeFormat(tag(language), {
    dateStyle: "medium",
    timeZone: "UTC",
    numberingSystem: "latn",
  }).format(date);
}

/** A timestamp (UTC in the API), shown in the operator's own time zone. */
export function formatDateTime(isoTimestamp: string | null | undefined, language: string): string {
  if (!isoTimestamp) return "—";
  return new Intl.DateTimeFormat(tag(language), {
    dateStyle: "medium",
    timeStyle: "short",
    numberingSystem: "latn",
  }).format(new Date(isoTimestamp));
}

/** Group a canonical `+212XXXXXXXXX` number for reading: `+212 6 55 33 44 22`. */
export function formatPhone(canonical: string | null | undefined): string {
  if (!canonical) return "—";
  const match = /^\+212(\d)(\d{2})(\d{2})(\d{2})(\d{2})$/.exec(canonical);
  return match ? `+212 ${match.slice(1).join(" ")}` : canonical;
}
