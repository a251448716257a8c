import type { TFunction } from "i18next";

// Literal keys (rather than keys built from a value) so the translation check sees each one used.
const categories = {
  mobile: "categories.mobile",
  internet: "categories.internet",
  landline: "categories.landline",
};
const statuses = { active: "status.active", retired: "status.retired" };
const statusFilters = {
  active: "status_filter.active",
  retired: "status_filter.retired",
  all: "status_filter.all",
};
const serviceTypes = {
  mobile: "service_types.mobile",
  fiber: "service_types.fiber",
  adsl: "service_types.adsl",
  landline: "service_types.landline",
};

export const offerLabels = {
  category: (t: TFunction, value: keyof typeof categories) => t(`offers:${categories[value]}`),
  status: (t: TFunction, value: keyof typeof statuses) => t(`offers:${statuses[value]}`),
  statusFilter: (t: TFunction, value: keyof typeof statusFilters) => t(`offers:${statusFilters[value]}`),
  serviceType: (t: TFunction, value: keyof typeof serviceTypes) => t(`offers:${serviceTypes[value]}`),
};

/**
 * The text of a form field's error: the editor's own rules carry a key of this namespace
 * (`validation.…`); an API business error placed on its field (e.g. 409 offer_code_taken on `code`) is
 * told in the operator's language through its code; other API messages are shown as the API wrote them.
 */
export function offerFieldError(
  t: TFunction,
  error: { message?: string | undefined; type?: string | number | undefined } | undefined,
) {
  const message = error?.message;
  if (!message) return undefined;
  if (message.startsWith("validation.")) return t(`offers:${message}`);
  return typeof error.type === "string"
    ? t(`errors:codes.${error.type}`, { defaultValue: message })
    : message;
}
