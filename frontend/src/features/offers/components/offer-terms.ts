import type { TFunction } from "i18next";
import type { OfferFormValues } from "@/features/offers/api/create-offer";
import { decimalText } from "@/features/offers/api/create-offer";
import type { OfferCategory } from "@/features/offers/api/types";

/**
 * What an offer gives, in the shape shared by a saved offer (OfferRead) and the editor being typed: the
 * preview and the offer page describe both the same way.
 */
export type OfferTerms = {
  category: OfferCategory;
  code: string;
  name: string;
  description: string | null;
  monthly_fee: string;
  activation_fee: string;
  valid_from: string;
  valid_to: string | null;
  mobile_data_gb?: string | number | null;
  mobile_calls_hours?: string | number | null;
  internet_access_type?: "fiber" | "adsl" | null;
  internet_fiber_speed_mbps?: string | number | null;
  internet_adsl_speed_mbps?: string | number | null;
  internet_landline_included?: boolean | null;
  internet_tv_included?: boolean | null;
  landline_national_included?: boolean | null;
  landline_international_hours?: string | number | null;
  landline_phone_hours?: string | number | null;
};

/** The editor's values as terms: only the chosen category's components, exactly as typed. */
export function termsFromForm(values: OfferFormValues): OfferTerms {
  const base: OfferTerms = {
    category: values.category,
    code: values.code.trim().toUpperCase(),
    name: values.name.trim(),
    description: values.description.trim() || null,
    monthly_fee: decimalText(values.monthly_fee),
    activation_fee: decimalText(values.activation_fee),
    valid_from: values.valid_from,
    valid_to: values.has_valid_to && values.valid_to ? values.valid_to : null,
  };
  if (values.category === "mobile")
    return {
      ...base,
      mobile_data_gb: values.mobile_data_on ? decimalText(values.mobile_data_gb) || null : null,
      mobile_calls_hours: values.mobile_calls_on ? decimalText(values.mobile_calls_hours) || null : null,
    };
  if (values.category === "internet") {
    const fiber = values.internet_access_type === "fiber";
    return {
      ...base,
      internet_access_type: values.internet_access_type,
      internet_fiber_speed_mbps: fiber ? values.internet_fiber_speed_mbps.trim() || null : null,
      internet_adsl_speed_mbps: fiber ? null : values.internet_adsl_speed_mbps.trim() || null,
      internet_landline_included: true,
      internet_tv_included: values.internet_tv_included,
    };
  }
  return {
    ...base,
    landline_national_included: values.landline_national_included,
    landline_international_hours: values.landline_international_on
      ? values.landline_international_hours.trim() || null
      : null,
    landline_phone_hours: values.landline_phone_on ? values.landline_phone_hours.trim() || null : null,
  };
}

const localeTags: Record<string, string> = { fr: "fr-FR", en: "en-GB" };

/** A quantity as the operator reads it ("2,5" in French); text that is not a number yet is shown as typed. */
export function formatQuantity(value: string | number, language: string): string {
  const text = String(value);
  if (!/^\d+(\.\d+)?$/.test(text)) return text;
  return new Intl.NumberFormat(localeTags[language] ?? language, { maximumFractionDigits: 2 }).format(
    Number(text),
  );
}

/** One line per component the offer gives, in the editor's row order. */
export function describeComponents(terms: OfferTerms, t: TFunction, language: string): string[] {
  const amount = (value: string | number | null | undefined) =>
    value === null || value === undefined || value === "" ? "…" : formatQuantity(value, language);
  const lines: string[] = [];
  if (terms.category === "mobile") {
    if (terms.mobile_data_gb != null)
      lines.push(t("offers:preview.data", { amount: amount(terms.mobile_data_gb) }));
    if (terms.mobile_calls_hours != null)
      lines.push(t("offers:preview.calls", { amount: amount(terms.mobile_calls_hours) }));
  } else if (terms.category === "internet") {
    if (terms.internet_access_type === "fiber")
      lines.push(t("offers:preview.fiber", { speed: amount(terms.internet_fiber_speed_mbps) }));
    else if (terms.internet_access_type === "adsl")
      lines.push(t("offers:preview.adsl", { speed: amount(terms.internet_adsl_speed_mbps) }));
    if (terms.internet_landline_included) lines.push(t("offers:preview.home_landline"));
    lines.push(terms.internet_tv_included ? t("offers:preview.tv_on") : t("offers:preview.tv_off"));
  } else {
    if (terms.landline_national_included) lines.push(t("offers:preview.national"));
    if (terms.landline_international_hours != null)
      lines.push(t("offers:preview.international", { amount: amount(terms.landline_international_hours) }));
    if (terms.landline_phone_hours != null)
      lines.push(t("offers:preview.phone", { amount: amount(terms.landline_phone_hours) }));
  }
  return lines;
}
