import * as z from "zod/mini";
import { normalizeCin, normalizeMoroccanNumber } from "@/lib/moroccan-identity";

/**
 * The wizard's rules, mirroring the landing API (backend/app/landing/schemas.py) so most mistakes are
 * caught on the phone before a request. Messages are keys of the landing namespace.
 */
// zod/mini: the same rules at a third of the weight in the customer's download.
const required = () => z.string().check(z.trim(), z.minLength(1, "validation.required"));
// Format rules leave an empty value to "required", so each field shows one problem.
const filled = (test: (value: string) => boolean, message: string) =>
  z.refine<string>((value) => value.trim() === "" || test(value), message);

export const cinField = required().check(filled((value) => normalizeCin(value) !== null, "validation.cin"));

export const cinSchema = z.object({ cin: cinField });

export const identitySchema = z.object({
  cin: cinField,
  first_name: required().check(z.maxLength(100, "validation.too_long")),
  last_name: required().check(z.maxLength(100, "validation.too_long")),
  email: required().check(
    filled((value) => /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(value.trim()), "validation.email"),
  ),
  phone: required().check(
    filled((value) => normalizeMoroccanNumber(value, "any") !== null, "validation.phone"),
  ),
});
export type IdentityValues = z.infer<typeof identitySchema>;

export type Numbering = "mobile" | "home_landline";
export type NumberingValues = {
  mobile_choice: "keep" | "new";
  existing_mobile_local_number: string;
  requested_mobile_local_number: string;
  home_landline_local_number: string;
};

/** Numbering differs by category: a mobile line keeps or gets a number; internet and landline need the home line. */
export function numberingSchema(numbering: Numbering) {
  return z
    .object({
      mobile_choice: z.enum(["keep", "new"]),
      existing_mobile_local_number: z.string().check(z.trim()),
      requested_mobile_local_number: z.string().check(z.trim()),
      home_landline_local_number: z.string().check(z.trim()),
    })
    .check(
      z.superRefine((values, context) => {
        const check = (field: keyof NumberingValues, family: "mobile" | "landline", required: boolean) => {
          const value = values[field];
          if (!value) {
            if (required) context.addIssue({ code: "custom", path: [field], message: "validation.required" });
            return;
          }
          if (normalizeMoroccanNumber(value, family) === null) {
            context.addIssue({ code: "custom", path: [field], message: `validation.${family}_number` });
          }
        };
        if (numbering === "home_landline") check("home_landline_local_number", "landline", true);
        else if (values.mobile_choice === "keep") check("existing_mobile_local_number", "mobile", true);
        else check("requested_mobile_local_number", "mobile", false);
      }),
    );
}

/** Today as the API's business date (UTC), `YYYY-MM-DD`. */
export function utcToday(now: Date = new Date()): string {
  return now.toISOString().slice(0, 10);
}

/** The start date must fall in the window bootstrap gives (today to 90 days ahead, inclusive). */
export function startDateSchema(earliest: string, latest: string) {
  return z.object({
    // One problem at a time, in the order a customer fixes them.
    contract_start_date: z.string().check(
      z.superRefine((value, context) => {
        const problem = !value
          ? "validation.required"
          : !/^\d{4}-\d{2}-\d{2}$/.test(value)
            ? "validation.date"
            : value < earliest
              ? "validation.date_in_past"
              : value > latest
                ? "validation.date_too_far"
                : null;
        if (problem) context.addIssue({ code: "custom", message: problem, input: value });
      }),
    ),
  });
}

export const termsSchema = z.object({
  terms_accepted: z.literal(true, { error: "validation.terms" }),
});
