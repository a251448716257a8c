import type { TFunction } from "i18next";

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

export const statusColor = { active: "teal.9", suspended: "orange.9", terminated: "gray.7" } as const;
export const decisionColor = { created: "brand.8", upgraded: "teal.9", downgraded: "orange.9" } as const;

/** A form field's error: this feature's rules carry a `validation.…` key; API messages are shown as written. */
export function contractFieldError(t: TFunction, error: { message?: string | undefined } | undefined) {
  const message = error?.message;
  if (!message) return undefined;
  return message.startsWith("validation.") ? t(`contracts:${message}`) : message;
}
