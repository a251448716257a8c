import { describe, expect, it } from "vitest";
import { fieldErrorText } from "@/lib/form-errors";

// A translator with the keys the rules below name, and i18next's fallback to defaultValue for the rest.
const words: Record<string, string> = {
  "errors:validation.required": "Champ obligatoire",
  "errors:codes.credit_note_line_invalid": "Cette ligne ne peut pas être créditée.",
  "errors:codes.credit_exceeds_creditable": "L'avoir dépasse ce qui reste créditable.",
};
const t = (key: string, options?: { defaultValue?: string }) => words[key] ?? options?.defaultValue ?? key;

describe("the text of a form field's error", () => {
  it("says our own rules with their key in the errors namespace", () => {
    expect(fieldErrorText(t, { message: "validation.required", type: "too_small" })).toBe(
      "Champ obligatoire",
    );
  });

  it("says a server problem in the page's language, keyed on its code", () => {
    expect(
      fieldErrorText(t, {
        message: "This line is already fully credited.",
        type: "credit_note_line_invalid",
      }),
    ).toBe("Cette ligne ne peut pas être créditée.");
  });

  it("keeps the API's words where the page has none for the code", () => {
    expect(fieldErrorText(t, { message: "The email domain does not exist", type: "value_error" })).toBe(
      "The email domain does not exist",
    );
  });

  it("keeps the API's words for a code named verbatim (its figure is in them)", () => {
    const error = {
      message: "… still creditable on the invoice (249.00 excl. tax).",
      type: "credit_exceeds_creditable",
    };
    expect(fieldErrorText(t, error, { verbatim: ["credit_exceeds_creditable"] })).toBe(error.message);
  });

  it("says nothing without a message", () => {
    expect(fieldErrorText(t, undefined)).toBeUndefined();
  });
});
