import { Alert } from "@mantine/core";
import type { TFunction } from "i18next";
import { useTranslation } from "react-i18next";
import { LandingError } from "@/features/landing/api/client";

// Codes the journeys explain in their own words; any other falls back to codes.default.
const EXPLAINED = new Set([
  "invalid_lookup_token",
  "rate_limited",
  "landing_cin_limit",
  "validation_error",
  "network_error",
  "draft_expired",
  "draft_not_found",
  "draft_already_submitted",
  "client_identity_mismatch",
  "number_unavailable",
  "offer_not_available",
  "offer_already_subscribed",
  "service_type_incompatible",
  "contract_not_active",
  "contract_not_found",
  "client_terminated",
  "period_already_billed",
  "idempotency_key_conflict",
  "document_not_available",
  "invalid_document_token",
  "invalid_otp",
  "otp_required",
  "cin_verification_locked",
  "subscription_refused",
  "legal_text_outdated",
  "idempotency_key_in_progress",
]);

/** What a refusal means to a customer, chosen by its error code (never the API's English message). */
export function refusalText(t: TFunction, error: unknown): string {
  if (!(error instanceof LandingError)) return t("codes.default");
  if (error.code === "rate_limited") {
    const seconds = error.retryAfter ?? 60;
    return seconds >= 120
      ? t("codes.rate_limited_minutes", { count: Math.ceil(seconds / 60) })
      : t("codes.rate_limited", { count: seconds });
  }
  return EXPLAINED.has(error.code) ? t(`codes.${error.code}`) : t("codes.default");
}

export function RefusalAlert({ error }: { error: unknown }) {
  const { t } = useTranslation("landing");
  if (!error) return null;
  const urgent =
    error instanceof LandingError &&
    ["landing_cin_limit", "cin_verification_locked", "subscription_refused"].includes(error.code);
  return (
    <Alert color={urgent ? "orange" : "red"} role="alert" title={t("refusal_title")}>
      {refusalText(t, error)}
    </Alert>
  );
}

// The landing message key for an API field problem (422 details[].loc), by field and by problem type.
const FIELD_KEYS: Record<string, string> = {
  cin: "validation.cin",
  email: "validation.email",
  phone: "validation.phone",
  first_name: "validation.invalid",
  last_name: "validation.invalid",
  existing_mobile_local_number: "validation.mobile_number",
  requested_mobile_local_number: "validation.mobile_number",
  home_landline_local_number: "validation.landline_number",
  terms_accepted: "validation.terms",
  offer_id: "codes.offer_not_available",
};

export function serverFieldKey(field: string, type: string | undefined): string {
  if (field === "contract_start_date") {
    return type === "date_in_past" || type === "date_too_far" ? `validation.${type}` : "validation.date";
  }
  return FIELD_KEYS[field] ?? "validation.invalid";
}

/** Put a 422's field problems on the visible fields; true when at least one landed. */
export function placeFieldErrors(
  error: unknown,
  fields: readonly string[],
  setError: (field: string, message: string) => void,
): boolean {
  if (!(error instanceof LandingError) || error.status !== 422) return false;
  let placed = false;
  for (const [path, detail] of error.fieldErrors()) {
    const field = path.split(".")[0] ?? path;
    if (!fields.includes(field)) continue;
    setError(field, serverFieldKey(field, detail.type));
    placed = true;
  }
  return placed;
}
