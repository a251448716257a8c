import { ltr } from "@/features/landing/lib/bidi";
import { formatMoney } from "@/lib/format";

/** Cents of an API amount ("199.00"), read from the string: money never goes through a float. */
export function toCents(amount: string): number {
  const negative = amount.trim().startsWith("-");
  const [units = "0", fraction = ""] = amount.trim().replace(/^[-+]/, "").split(".");
  const cents = Number(units) * 100 + Number((fraction + "00").slice(0, 2));
  return negative ? -cents : cents;
}

/** Back to the API's two-decimal string form. */
export function fromCents(cents: number): string {
  const sign = cents < 0 ? "-" : "";
  const absolute = Math.abs(cents);
  return `${sign}${Math.floor(absolute / 100)}.${String(absolute % 100).padStart(2, "0")}`;
}

/** The monthly fee difference of a plan change, as an amount string, and which way it goes. */
export function feeDifference(currentFee: string, newFee: string) {
  const difference = toCents(newFee) - toCents(currentFee);
  const direction: "upgrade" | "downgrade" | "same" =
    difference > 0 ? "upgrade" : difference < 0 ? "downgrade" : "same";
  return { amount: fromCents(Math.abs(difference)), direction };
}

/** An amount as the landing shows it, standalone or inside a sentence (`{{amount, money}}`): isolated. */
export const money = (amount: string | null | undefined, language: string, currency?: string) =>
  ltr(formatMoney(amount, language, currency));
