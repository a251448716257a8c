import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useRef } from "react";
import { z } from "zod";
import { contractKeys } from "@/features/contracts/api/keys";
import type { ProvisionBody, ProvisioningCandidate, ServiceCategory } from "@/features/contracts/api/types";
import { api, unwrap } from "@/lib/api-client";
import type { ApiError } from "@/lib/api-error";
import { normalizeMoroccanNumber } from "@/lib/moroccan-identity";

/** How a mobile line gets its number: the client keeps one, a free one is allocated, or one is asked for. */
export type MobileNumbering = "keep" | "new" | "preferred";

export type ProvisionFormValues = {
  client_id: string;
  offer_id: string;
  /** The chosen offer's category, which decides the numbering fields. */
  offer_category: ServiceCategory | "";
  contract_start_date: string;
  intent: "auto" | "new_line" | "change_plan";
  mobile_numbering: MobileNumbering;
  existing_mobile_local_number: string;
  requested_mobile_local_number: string;
  home_landline_local_number: string;
};

export function emptyProvisionForm(today: string): ProvisionFormValues {
  return {
    client_id: "",
    offer_id: "",
    offer_category: "",
    contract_start_date: today,
    intent: "auto",
    mobile_numbering: "new",
    existing_mobile_local_number: "",
    requested_mobile_local_number: "",
    home_landline_local_number: "",
  };
}

const isNumber = (family: "mobile" | "landline") => (value: string) =>
  normalizeMoroccanNumber(value, family) !== null;

/**
 * The form's rules; the numbering fields depend on the offer's category. Mirrors of
 * ContractProvisionRequest (app/contracts/schemas.py); the backend decides the rest.
 */
export const provisionFormSchema = z
  .object({
    client_id: z.string().min(1, "validation.client_required"),
    offer_id: z.string().min(1, "validation.offer_required"),
    offer_category: z.enum(["mobile", "internet", "landline", ""]),
    contract_start_date: z.string().min(1, "validation.required"),
    intent: z.enum(["auto", "new_line", "change_plan"]),
    mobile_numbering: z.enum(["keep", "new", "preferred"]),
    existing_mobile_local_number: z.string(),
    requested_mobile_local_number: z.string(),
    home_landline_local_number: z.string(),
  })
  .superRefine((values, context) => {
    const check = (field: keyof ProvisionFormValues, family: "mobile" | "landline", required: boolean) => {
      const raw = values[field].trim();
      if (!raw) {
        if (required) context.addIssue({ code: "custom", path: [field], message: "validation.required" });
        return;
      }
      if (!isNumber(family)(raw))
        context.addIssue({
          code: "custom",
          path: [field],
          message: family === "mobile" ? "validation.mobile_number" : "validation.landline_number",
        });
    };
    const category = values.offer_category;
    if (category === "mobile") {
      if (values.mobile_numbering === "keep") check("existing_mobile_local_number", "mobile", true);
      if (values.mobile_numbering === "preferred") check("requested_mobile_local_number", "mobile", true);
    } else if (category) {
      // A plan change keeps the line's number: the home landline is needed only for a new line.
      check("home_landline_local_number", "landline", values.intent === "new_line");
    }
  });

/** The request body: only the numbering fields of the offer's category and of the chosen path. */
export function toProvisionBody(
  values: ProvisionFormValues,
  target?: { target_contract_id?: string; intent?: ProvisionBody["intent"] },
): ProvisionBody {
  const body: ProvisionBody = {
    client_id: values.client_id,
    offer_id: values.offer_id,
    contract_start_date: values.contract_start_date,
    intent: target?.intent ?? values.intent,
  };
  if (target?.target_contract_id) body.target_contract_id = target.target_contract_id;
  const category = values.offer_category;
  if (category === "mobile") {
    if (values.mobile_numbering === "keep" && values.existing_mobile_local_number.trim())
      body.existing_mobile_local_number = values.existing_mobile_local_number.trim();
    if (values.mobile_numbering === "preferred" && values.requested_mobile_local_number.trim())
      body.requested_mobile_local_number = values.requested_mobile_local_number.trim();
  } else if (category && values.home_landline_local_number.trim()) {
    body.home_landline_local_number = values.home_landline_local_number.trim();
  }
  return body;
}

export const PROVISION_FIELDS = [
  "client_id",
  "offer_id",
  "contract_start_date",
  "intent",
  "existing_mobile_local_number",
  "requested_mobile_local_number",
  "home_landline_local_number",
] as const;

/** The candidate contracts of a 409 provisioning_ambiguous, read from its details. */
export function ambiguityCandidates(error: ApiError): ProvisioningCandidate[] {
  if (error.code !== "provisioning_ambiguous") return [];
  return error.details.filter(
    (detail): detail is typeof detail & ProvisioningCandidate =>
      typeof detail.contract_id === "string" && typeof detail.contract_number === "string",
  );
}

export function provisionContract({ body, idempotencyKey }: { body: ProvisionBody; idempotencyKey: string }) {
  return unwrap(
    api.POST("/api/v1/contracts", { body, params: { header: { "Idempotency-Key": idempotencyKey } } }),
  );
}

/**
 * Provisioning with its Idempotency-Key: the same body sent again (a retry after a lost answer, a double
 * click) carries the same key, so the backend replays its answer instead of writing twice; a different
 * body (another target chosen, a field changed) gets a new key. `reset` starts a new provisioning.
 */
export function useProvisionContract() {
  const queryClient = useQueryClient();
  const attempt = useRef<{ body: string; key: string } | null>(null);
  const mutation = useMutation({
    mutationFn: provisionContract,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: contractKeys.all }),
  });
  const keyFor = (body: ProvisionBody) => {
    const canonical = JSON.stringify(body, Object.keys(body).sort());
    if (attempt.current?.body !== canonical) attempt.current = { body: canonical, key: crypto.randomUUID() };
    return attempt.current.key;
  };
  return {
    ...mutation,
    provision: (body: ProvisionBody, options?: Parameters<typeof mutation.mutate>[1]) =>
      mutation.mutate({ body, idempotencyKey: keyFor(body) }, options),
    startOver: () => {
      attempt.current = null;
      mutation.reset();
    },
  };
}
