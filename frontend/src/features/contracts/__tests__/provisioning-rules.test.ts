import { describe, expect, it } from "vitest";
import {
  ambiguityCandidates,
  emptyProvisionForm,
  provisionFormSchema,
  toProvisionBody,
  type ProvisionFormValues,
} from "@/features/contracts/api/provision-contract";
import { lifecycleSchema } from "@/features/contracts/components/lifecycle-dialog";
import { ApiError } from "@/lib/api-error";

const base: ProvisionFormValues = {
  ...emptyProvisionForm("2026-12-01"),
  client_id: "c-1",
  offer_id: "o-1",
};

function problems(values: ProvisionFormValues) {
  const result = provisionFormSchema.safeParse(values);
  return result.success
    ? {}
    : Object.fromEntries(result.error.issues.map((i) => [i.path.join("."), i.message]));
}

describe("the provisioning form's rules", () => {
  it("needs a client and an offer", () => {
    expect(problems({ ...base, client_id: "", offer_id: "" })).toEqual({
      client_id: "validation.client_required",
      offer_id: "validation.offer_required",
    });
  });

  it("needs the kept or preferred mobile number, in the mobile family", () => {
    const mobile = { ...base, offer_category: "mobile" as const };
    expect(problems({ ...mobile, mobile_numbering: "new" })).toEqual({});
    expect(problems({ ...mobile, mobile_numbering: "keep" })).toEqual({
      existing_mobile_local_number: "validation.required",
    });
    expect(
      problems({ ...mobile, mobile_numbering: "preferred", requested_mobile_local_number: "05 37 12 34 56" }),
    ).toEqual({ requested_mobile_local_number: "validation.mobile_number" });
    expect(
      problems({ ...mobile, mobile_numbering: "keep", existing_mobile_local_number: "+212 6 55 33 44 22" }),
    ).toEqual({});
  });

  it("needs a landline-family home number for internet and landline, required only for a new line", () => {
    const internet = { ...base, offer_category: "internet" as const };
    expect(problems(internet)).toEqual({});
    expect(problems({ ...internet, intent: "new_line" })).toEqual({
      home_landline_local_number: "validation.required",
    });
    expect(problems({ ...internet, home_landline_local_number: "06 55 33 44 22" })).toEqual({
      home_landline_local_number: "validation.landline_number",
    });
    expect(problems({ ...internet, home_landline_local_number: "05 37 12 34 56" })).toEqual({});
  });

  it("sends only the numbering field of the chosen path and category", () => {
    const values = {
      ...base,
      offer_category: "mobile" as const,
      mobile_numbering: "keep" as const,
      existing_mobile_local_number: "0655334422",
      requested_mobile_local_number: "0700000000",
      home_landline_local_number: "0537123456",
    };
    expect(toProvisionBody(values)).toEqual({
      client_id: "c-1",
      offer_id: "o-1",
      contract_start_date: "2026-12-01",
      intent: "auto",
      existing_mobile_local_number: "0655334422",
    });
    expect(toProvisionBody({ ...values, offer_category: "landline" }, { target_contract_id: "k-2" })).toEqual(
      {
        client_id: "c-1",
        offer_id: "o-1",
        contract_start_date: "2026-12-01",
        intent: "auto",
        target_contract_id: "k-2",
        home_landline_local_number: "0537123456",
      },
    );
  });

  it("reads the candidates of a provisioning_ambiguous answer from its details", () => {
    const candidate = {
      contract_id: "k-1",
      contract_number: "CT-2026-000001",
      offer_id: "o-1",
      service_type: "mobile",
      phone_number: "+212600000001",
      start_date: "2026-01-01",
      monthly_fee: "99.00",
      loc: ["body", "target_contract_id"],
    };
    const error = new ApiError({
      status: 409,
      code: "provisioning_ambiguous",
      message: "x",
      details: [candidate],
    });
    expect(ambiguityCandidates(error)).toEqual([candidate]);
    expect(
      ambiguityCandidates(new ApiError({ status: 409, code: "number_unavailable", message: "x" })),
    ).toEqual([]);
  });
});

describe("the lifecycle date", () => {
  it("is required and never in the future", () => {
    const schema = lifecycleSchema("2026-12-01");
    expect(schema.safeParse({ effective_date: "2026-12-01" }).success).toBe(true);
    expect(schema.safeParse({ effective_date: "2026-11-15" }).success).toBe(true);
    expect(schema.safeParse({ effective_date: "2026-12-02" }).error?.issues[0]?.message).toBe(
      "validation.not_in_future",
    );
    expect(schema.safeParse({ effective_date: "" }).error?.issues[0]?.message).toBe("validation.required");
  });
});
