import { describe, expect, it } from "vitest";
import {
  cinSchema,
  identitySchema,
  numberingSchema,
  startDateSchema,
  termsSchema,
  utcToday,
} from "@/features/landing/lib/validation";

const messages = (result: {
  success: boolean;
  error?: { issues: { path: PropertyKey[]; message: string }[] };
}) => Object.fromEntries((result.error?.issues ?? []).map((issue) => [issue.path.join("."), issue.message]));

describe("CIN", () => {
  it.each(["AB123456", "a1", " x 12345678 ", "ab12345678"])("accepts %j", (cin) => {
    expect(cinSchema.safeParse({ cin }).success).toBe(true);
  });
  it.each([
    ["", "validation.required"],
    ["123456", "validation.cin"],
    ["ABC123", "validation.cin"],
    ["AB123456789", "validation.cin"],
    ["AB", "validation.cin"],
  ])("refuses %j with %s", (cin, message) => {
    expect(messages(cinSchema.safeParse({ cin }))).toEqual({ cin: message });
  });
});

describe("identity", () => {
  const good = {
    cin: "AB123456",
    first_name: "Yasmine",
    last_name: "Alaoui",
    email: "y@example.ma",
    phone: "06 55 33 44 22",
  };
  it.each([
    "+212 6 55 33 44 22",
    "06 55 33 44 22",
    "07 55 33 44 22",
    "0655334422",
    "212655334422",
    "05 22 33 44 55",
  ])("accepts the contact phone %j", (phone) => {
    expect(identitySchema.safeParse({ ...good, phone }).success).toBe(true);
  });
  it.each(["06 55 33 44", "09 55 33 44 22", "+33 6 55 33 44 22", "phone"])(
    "refuses the contact phone %j",
    (phone) => {
      expect(messages(identitySchema.safeParse({ ...good, phone }))).toEqual({ phone: "validation.phone" });
    },
  );
  it("names every missing field and a malformed e-mail", () => {
    expect(
      messages(
        identitySchema.safeParse({ cin: "", first_name: " ", last_name: "", email: "yasmine@", phone: "" }),
      ),
    ).toEqual({
      cin: "validation.required",
      first_name: "validation.required",
      last_name: "validation.required",
      email: "validation.email",
      phone: "validation.required",
    });
  });
});

describe("numbering per category", () => {
  const empty = {
    mobile_choice: "keep" as const,
    existing_mobile_local_number: "",
    requested_mobile_local_number: "",
    home_landline_local_number: "",
  };
  it("a kept mobile number is required and must be a mobile number", () => {
    const schema = numberingSchema("mobile");
    expect(messages(schema.safeParse(empty))).toEqual({
      existing_mobile_local_number: "validation.required",
    });
    expect(messages(schema.safeParse({ ...empty, existing_mobile_local_number: "05 22 33 44 55" }))).toEqual({
      existing_mobile_local_number: "validation.mobile_number",
    });
    expect(schema.safeParse({ ...empty, existing_mobile_local_number: "+212 7 55 33 44 22" }).success).toBe(
      true,
    );
  });
  it("a new mobile number needs no preference, but a given one must be mobile", () => {
    const schema = numberingSchema("mobile");
    expect(schema.safeParse({ ...empty, mobile_choice: "new" }).success).toBe(true);
    expect(
      messages(
        schema.safeParse({ ...empty, mobile_choice: "new", requested_mobile_local_number: "0522334455" }),
      ),
    ).toEqual({
      requested_mobile_local_number: "validation.mobile_number",
    });
  });
  it("internet and landline need the home landline, a 5 or 8 number", () => {
    const schema = numberingSchema("home_landline");
    expect(messages(schema.safeParse(empty))).toEqual({ home_landline_local_number: "validation.required" });
    expect(messages(schema.safeParse({ ...empty, home_landline_local_number: "06 55 33 44 22" }))).toEqual({
      home_landline_local_number: "validation.landline_number",
    });
    expect(schema.safeParse({ ...empty, home_landline_local_number: "08 22 33 44 55" }).success).toBe(true);
  });
});

describe("start date window", () => {
  const schema = startDateSchema("2026-12-01", "2027-03-01");
  it.each([
    ["2026-12-01", null],
    ["2027-03-01", null],
    ["2026-11-30", "validation.date_in_past"],
    ["2027-03-02", "validation.date_too_far"],
    ["", "validation.required"],
    ["01/12/2026", "validation.date"],
  ])("%j -> %s", (value, message) => {
    const result = schema.safeParse({ contract_start_date: value });
    if (message === null) expect(result.success).toBe(true);
    else expect(messages(result).contract_start_date).toBe(message);
  });
  it("today is the UTC date", () => {
    expect(utcToday(new Date("2026-12-01T23:30:00-02:00"))).toBe("2026-12-02");
  });
});

describe("terms", () => {
  it("only true accepts", () => {
    expect(termsSchema.safeParse({ terms_accepted: true }).success).toBe(true);
    expect(messages(termsSchema.safeParse({ terms_accepted: false }))).toEqual({
      terms_accepted: "validation.terms",
    });
  });
});
