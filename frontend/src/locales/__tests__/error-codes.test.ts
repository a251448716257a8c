import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { allLocaleResources } from "@/lib/i18n";

/**
 * A code without a message of its own falls back to the API's English `message`: on a French page the
 * operator read "received_at is before the client existed (2026-12-02T17:56:38.119034+00:00)…" in a toast.
 * Every code an operation of the workspace can answer is therefore told in each workspace language.
 */
const WORKSPACE_OPERATIONS = [
  "clients-create",
  "clients-update",
  "clients-delete",
  "clients-anonymise",
  "offers-create",
  "offers-retire",
  "contracts-provision",
  "contracts-suspend",
  "contracts-resume",
  "contracts-terminate",
  "contracts-document",
  "billing-runs-create",
  "billing-runs-discard",
  "invoices-pdf",
  "collections-payments-create",
  "collections-cases-status-update",
  "collections-cases-actions-create",
  "collections-invoices-approve-paid",
];

// docs/error-codes.md is generated from the backend's AppError classes: one row per code, with its operations.
const table = readFileSync(
  join(import.meta.dirname, "..", "..", "..", "..", "docs", "error-codes.md"),
  "utf8",
);
const codesByOperation = table
  .split("\n")
  .filter((line) => line.startsWith("| `"))
  .map((line) => {
    const cells = line.split("|").map((cell) => cell.trim());
    return { code: cells[1]!.replaceAll("`", ""), operations: cells[5]!.match(/[a-z-]+/g) ?? [] };
  });
const workspaceCodes = codesByOperation
  .filter((row) => row.operations.some((operation) => WORKSPACE_OPERATIONS.includes(operation)))
  .map((row) => row.code);

const resources = await allLocaleResources();

describe("error codes of the workspace's operations", () => {
  it("are read from the generated table", () => {
    expect(workspaceCodes).toContain("overpayment");
    expect(workspaceCodes).toContain("provisioning_ambiguous");
  });
  for (const language of ["fr", "en"] as const) {
    it(`each has its own message in ${language}`, () => {
      const messages = (resources[language]!.errors as { codes: Record<string, string> }).codes;
      expect(workspaceCodes.filter((code) => !messages[code])).toEqual([]);
    });
  }
});
