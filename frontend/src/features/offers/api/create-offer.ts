import { useMutation, useQueryClient } from "@tanstack/react-query";
import { z } from "zod";
import { offerKeys } from "@/features/offers/api/keys";
import type { OfferCategory, OfferCreateBody } from "@/features/offers/api/types";
import { api, unwrap } from "@/lib/api-client";

/**
 * What the offer editor holds. Every component of every category has a place, so switching category only
 * enables or disables rows (spec 5.1: no jumpy layout); only the chosen category's components are sent.
 * Numbers stay text while typed and are checked by the schema below.
 */
export type OfferFormValues = {
  category: OfferCategory;
  code: string;
  name: string;
  description: string;
  monthly_fee: string;
  activation_fee: string;
  valid_from: string;
  /** The "validation date" toggle: valid_to exists only while it is on. */
  has_valid_to: boolean;
  valid_to: string;
  mobile_data_on: boolean;
  mobile_data_gb: string;
  mobile_calls_on: boolean;
  mobile_calls_hours: string;
  internet_access_type: "fiber" | "adsl";
  internet_fiber_speed_mbps: string;
  internet_adsl_speed_mbps: string;
  internet_tv_included: boolean;
  landline_national_included: boolean;
  landline_international_on: boolean;
  landline_international_hours: string;
  landline_phone_on: boolean;
  landline_phone_hours: string;
};

export function emptyOfferForm(today: string): OfferFormValues {
  return {
    category: "mobile",
    code: "",
    name: "",
    description: "",
    monthly_fee: "",
    activation_fee: "0.00",
    valid_from: today,
    has_valid_to: false,
    valid_to: "",
    mobile_data_on: true,
    mobile_data_gb: "",
    mobile_calls_on: false,
    mobile_calls_hours: "",
    internet_access_type: "fiber",
    internet_fiber_speed_mbps: "",
    internet_adsl_speed_mbps: "",
    internet_tv_included: false,
    landline_national_included: true,
    landline_international_on: false,
    landline_international_hours: "",
    landline_phone_on: false,
    landline_phone_hours: "",
  };
}

// Mirrors of the backend's rules (app/catalog/schemas.py, app/catalog/components.py, app/kit/money.py).
const CODE = /^[A-Z0-9][A-Z0-9._-]*$/;
const MONEY = /^\d{1,12}(\.\d{1,2})?$/;
const ALLOWANCE = /^\d{1,8}(\.\d{1,2})?$/;
const INTEGER = /^\d+$/;
const MAX_HOURS = 100_000;

/** Decimal text as the API wants it: a dot, never a comma (French operators type "199,50"). */
export function decimalText(raw: string): string {
  return raw.trim().replace(",", ".");
}

const isPositive = (text: string) => /[1-9]/.test(text);

export const offerFormSchema = z
  .object({
    category: z.enum(["mobile", "internet", "landline"]),
    code: z.string(),
    name: z.string(),
    description: z.string(),
    monthly_fee: z.string(),
    activation_fee: z.string(),
    valid_from: z.string(),
    has_valid_to: z.boolean(),
    valid_to: z.string(),
    mobile_data_on: z.boolean(),
    mobile_data_gb: z.string(),
    mobile_calls_on: z.boolean(),
    mobile_calls_hours: z.string(),
    internet_access_type: z.enum(["fiber", "adsl"]),
    internet_fiber_speed_mbps: z.string(),
    internet_adsl_speed_mbps: z.string(),
    internet_tv_included: z.boolean(),
    landline_national_included: z.boolean(),
    landline_international_on: z.boolean(),
    landline_international_hours: z.string(),
    landline_phone_on: z.boolean(),
    landline_phone_hours: z.string(),
  })
  .superRefine((values, context) => {
    const fail = (path: keyof OfferFormValues, message: string) =>
      context.addIssue({ code: "custom", path: [path], message });

    // Every rule is here, in one pass, so the operator sees all problems at once (zod skips an object's
    // refinements when one of its fields already failed).
    const code = values.code.trim().toUpperCase();
    if (code.length > 40) fail("code", "validation.too_long");
    else if (code.length < 2 || !CODE.test(code)) fail("code", "validation.offer_code_format");
    const name = values.name.trim();
    if (!name) fail("name", "validation.required");
    else if (name.length > 120) fail("name", "validation.too_long");
    if (values.description.length > 2000) fail("description", "validation.too_long");
    if (!values.valid_from) fail("valid_from", "validation.required");

    const monthly = decimalText(values.monthly_fee);
    if (!monthly) fail("monthly_fee", "validation.required");
    else if (!MONEY.test(monthly)) fail("monthly_fee", "validation.money_format");
    else if (!isPositive(monthly)) fail("monthly_fee", "validation.monthly_fee_positive");
    const activation = decimalText(values.activation_fee);
    if (!activation) fail("activation_fee", "validation.required");
    else if (!MONEY.test(activation)) fail("activation_fee", "validation.money_format");

    if (values.has_valid_to) {
      if (!values.valid_to) fail("valid_to", "validation.required");
      else if (values.valid_from && values.valid_to <= values.valid_from)
        fail("valid_to", "validation.valid_to_after");
    }

    const allowance = (on: boolean, field: keyof OfferFormValues, raw: string) => {
      if (!on) return;
      const text = decimalText(raw);
      if (!text) fail(field, "validation.required");
      else if (!ALLOWANCE.test(text)) fail(field, "validation.allowance_format");
      else if (!isPositive(text)) fail(field, "validation.positive");
    };
    const whole = (on: boolean, field: keyof OfferFormValues, raw: string) => {
      if (!on) return;
      const text = raw.trim();
      if (!text) fail(field, "validation.required");
      else if (!INTEGER.test(text)) fail(field, "validation.integer_only");
      else if (Number(text) < 1 || Number(text) > MAX_HOURS) fail(field, "validation.integer_range");
    };

    if (values.category === "mobile") {
      if (!values.mobile_data_on && !values.mobile_calls_on)
        fail("mobile_data_gb", "validation.mobile_needs_one");
      allowance(values.mobile_data_on, "mobile_data_gb", values.mobile_data_gb);
      allowance(values.mobile_calls_on, "mobile_calls_hours", values.mobile_calls_hours);
    } else if (values.category === "internet") {
      const speed =
        values.internet_access_type === "fiber" ? "internet_fiber_speed_mbps" : "internet_adsl_speed_mbps";
      whole(true, speed, values[speed]);
    } else {
      if (
        !values.landline_national_included &&
        !values.landline_international_on &&
        !values.landline_phone_on
      )
        fail("landline_national_included", "validation.landline_needs_one");
      whole(
        values.landline_international_on,
        "landline_international_hours",
        values.landline_international_hours,
      );
      whole(values.landline_phone_on, "landline_phone_hours", values.landline_phone_hours);
    }
  });

/** The body of POST /offers: the chosen category's components only, valid_to only when toggled on. */
export function toOfferCreate(values: OfferFormValues): OfferCreateBody {
  const body: OfferCreateBody = {
    code: values.code.trim().toUpperCase(),
    name: values.name.trim(),
    description: values.description.trim() || null,
    category: values.category,
    monthly_fee: decimalText(values.monthly_fee),
    activation_fee: decimalText(values.activation_fee),
    valid_from: values.valid_from,
    valid_to: values.has_valid_to && values.valid_to ? values.valid_to : null,
  };
  if (values.category === "mobile") {
    if (values.mobile_data_on) body.mobile_data_gb = decimalText(values.mobile_data_gb);
    if (values.mobile_calls_on) body.mobile_calls_hours = decimalText(values.mobile_calls_hours);
  } else if (values.category === "internet") {
    body.internet_access_type = values.internet_access_type;
    if (values.internet_access_type === "fiber")
      body.internet_fiber_speed_mbps = Number(values.internet_fiber_speed_mbps.trim());
    else body.internet_adsl_speed_mbps = Number(values.internet_adsl_speed_mbps.trim());
    // Spec 5.1: an internet offer always includes the home landline.
    body.internet_landline_included = true;
    body.internet_tv_included = values.internet_tv_included;
  } else {
    body.landline_national_included = values.landline_national_included;
    if (values.landline_international_on)
      body.landline_international_hours = Number(values.landline_international_hours.trim());
    if (values.landline_phone_on) body.landline_phone_hours = Number(values.landline_phone_hours.trim());
  }
  return body;
}

/** Form fields an API error may name (the body fields share the form's names). */
export const OFFER_FIELDS = [
  "category",
  "code",
  "name",
  "description",
  "monthly_fee",
  "activation_fee",
  "valid_from",
  "valid_to",
  "mobile_data_gb",
  "mobile_calls_hours",
  "internet_access_type",
  "internet_fiber_speed_mbps",
  "internet_adsl_speed_mbps",
  "internet_tv_included",
  "landline_national_included",
  "landline_international_hours",
  "landline_phone_hours",
] as const;

export function createOffer(body: OfferCreateBody) {
  return unwrap(api.POST("/api/v1/offers", { body }));
}

export function useCreateOffer() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: createOffer,
    onSuccess: (offer) => {
      queryClient.setQueryData(offerKeys.detail(offer.id), offer);
      return queryClient.invalidateQueries({ queryKey: offerKeys.lists() });
    },
  });
}
