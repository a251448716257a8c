import type { TFunction } from "i18next";
import type { FieldValues, UseFormSetError } from "react-hook-form";
import type { ApiError } from "@/lib/api-error";

// Literal keys (rather than keys built from a value) so the translation check sees each one used.
const statuses = { active: "status.active", suspended: "status.suspended", terminated: "status.terminated" };
const decisions = {
  created: "decision.created",
  upgraded: "decision.upgraded",
  downgraded: "decision.downgraded",
};
const services = { mobile: "service.mobile", internet: "service.internet", landline: "service.landline" };
const serviceTypes = {
  mobile: "service_type.mobile",
  fiber: "service_type.fiber",
  adsl: "service_type.adsl",
  landline: "service_type.landline",
};
const intents = { auto: "intent.auto", new_line: "intent.new_line", change_plan: "intent.change_plan" };
const actions = {
  suspend: "lifecycle.suspend",
  resume: "lifecycle.resume",
  terminate: "lifecycle.terminate",
};

export const contractLabels = {
  status: (t: TFunction, value: keyof typeof statuses) => t(`contracts:${statuses[value]}`),
  decision: (t: TFunction, value: keyof typeof decisions) => t(`contracts:${decisions[value]}`),
  service: (t: TFunction, value: keyof typeof services) => t(`contracts:${services[value]}`),
  serviceType: (t: TFunction, value: keyof typeof serviceTypes) => t(`contracts:${serviceTypes[value]}`),
  intent: (t: TFunction, value: keyof typeof intents) => t(`contracts:${intents[value]}`),
  action: (t: TFunction, value: keyof typeof actions) => t(`contracts:${actions[value]}`),
};

// For the "light" badge variant, whose text the theme darkens for WCAG AA in light and Mantine keeps at
// shade 4 in dark; filled orange shade 9 under white text was 4.3:1 (axe: color-contrast).
export const statusColor = { active: "teal", suspended: "orange", terminated: "gray" } as const;
export const decisionColor = { created: "brand", upgraded: "teal", downgraded: "orange" } as const;

/**
 * A form field's error: this feature's rules carry a `validation.…` key; an API business error placed on
 * its field (e.g. number_unavailable) is told through its code; other API messages are shown as written.
 */
export function contractFieldError(
  t: TFunction,
  error: { message?: string | undefined; type?: string | number | undefined } | undefined,
) {
  const message = error?.message;
  if (!message) return undefined;
  if (message.startsWith("validation.")) return t(`contracts:${message}`);
  return typeof error.type === "string"
    ? t(`errors:codes.${error.type}`, { defaultValue: message })
    : message;
}

/**
 * setError for the field problems of a business refusal: a detail of the generic type `value_error`
 * (offer_not_available, service_type_incompatible, no_contract_to_change…) takes the envelope's code as its
 * type, so contractFieldError tells it through that code in the page's language instead of the API's English.
 */
export function refusalSetError<T extends FieldValues>(
  error: ApiError,
  setError: UseFormSetError<T>,
): UseFormSetError<T> {
  return (name, fieldError, options) =>
    setError(
      name,
      {
        ...fieldError,
        type:
          fieldError.type === "value_error" && error.code !== "validation_error"
            ? error.code
            : fieldError.type,
      },
      options,
    );
}
