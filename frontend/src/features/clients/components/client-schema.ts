import { z } from "zod";
import { normalizeCin, normalizeMoroccanNumber, type NumberFamily } from "@/lib/moroccan-identity";

// The client form's field rules, on the shared mirrors of the backend's checks (the landing has its own,
// on zod/mini, so a customer's phone never downloads full zod).
const cinSchema = z
  .string()
  .trim()
  .min(1, "validation.required")
  .refine((value) => normalizeCin(value) !== null, "validation.cin_format");

function phoneSchema(family: NumberFamily) {
  return z
    .string()
    .trim()
    .refine((value) => normalizeMoroccanNumber(value, family) !== null, `validation.phone_format_${family}`);
}

const optionalText = (max: number) => z.string().trim().max(max, "validation.too_long");

/** Mirrors ClientCreate in the backend: a person has names, a business a company name and a 15-digit ICE. */
export const clientFormSchema = z
  .object({
    kind: z.enum(["individual", "business"]),
    cin: cinSchema,
    first_name: optionalText(100),
    last_name: optionalText(100),
    company_name: optionalText(200),
    ice: z
      .string()
      .trim()
      .refine((value) => value === "" || /^\d{15}$/.test(value.replace(/\s/g, "")), "validation.ice_format"),
    email: z.union([z.literal(""), z.email("validation.email").max(254, "validation.too_long")]),
    phone: z.union([z.literal(""), phoneSchema("any")]),
    address: optionalText(500),
    city: optionalText(100),
  })
  .superRefine((client, context) => {
    const required = (field: keyof typeof client) => {
      if (!client[field]) context.addIssue({ code: "custom", path: [field], message: "validation.required" });
    };
    if (client.kind === "individual") {
      required("first_name");
      required("last_name");
    } else {
      required("company_name");
      required("ice");
    }
  });

export type ClientFormValues = z.infer<typeof clientFormSchema>;
export const CLIENT_FORM_FIELDS = [
  "kind",
  "cin",
  "first_name",
  "last_name",
  "company_name",
  "ice",
  "email",
  "phone",
  "address",
  "city",
] as const;

export const emptyClientForm: ClientFormValues = {
  kind: "individual",
  cin: "",
  first_name: "",
  last_name: "",
  company_name: "",
  ice: "",
  email: "",
  phone: "",
  address: "",
  city: "",
};

/** The request body: empty optional fields are left out (create) or cleared with null (update). */
export function toClientBody(
  values: ClientFormValues,
  emptyAs: "omit" | "null",
): Record<string, string | null> {
  const business = values.kind === "business";
  const entries = Object.entries({
    ...values,
    phone: values.phone ? (normalizeMoroccanNumber(values.phone) ?? values.phone) : "",
    ice: values.ice.replace(/\s/g, ""),
    company_name: business ? values.company_name : "",
  }).flatMap(([key, value]): [string, string | null][] => {
    if (value !== "") return [[key, value]];
    if (emptyAs === "null" && !["kind", "cin"].includes(key)) return [[key, null]];
    return [];
  });
  // A person never carries an ICE: the backend refuses one (it would describe somebody else).
  return Object.fromEntries(entries.filter(([key]) => business || key !== "ice" || emptyAs === "null"));
}
