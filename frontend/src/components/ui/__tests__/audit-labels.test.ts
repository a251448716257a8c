import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { auditLabels } from "@/components/ui/audit-labels";
import { allLocaleResources, createI18n } from "@/lib/i18n";

const openapi = JSON.parse(
  readFileSync(join(import.meta.dirname, "../../../../../docs/openapi/openapi-v1.json"), "utf8"),
) as { components: { schemas: Record<string, { properties: Record<string, { enum: string[] }> }> } };
const event = openapi.components.schemas.AuditEventRead!.properties;

describe("audit events in the operator's words", async () => {
  const resources = await allLocaleResources();
  for (const language of ["fr", "en"] as const) {
    const { instance } = createI18n(language, resources);
    const t = instance.t;
    it(`names every action and record kind of the API in ${language}`, () => {
      for (const action of event.action!.enum) {
        const label = auditLabels.action(t, action as Parameters<typeof auditLabels.action>[1]);
        expect(label, action).not.toMatch(/audit:|actions\.|undefined/);
        expect(label, action).not.toBe(action);
      }
      for (const entity of event.entity_type!.enum) {
        const label = auditLabels.entity(t, entity as Parameters<typeof auditLabels.entity>[1]);
        expect(label, entity).not.toMatch(/audit:|entities\.|undefined/);
      }
      expect(auditLabels.role(t, "landing")).not.toBe("landing");
      const accepted = {
        action: "client.legal_texts_accepted" as const,
        after: {
          contract_number: "CT-2026-000042",
          legal_texts: [
            { id: "terms_of_subscription", version: "2026-11", language: "ar" },
            { id: "personal_data", version: "2026-11", language: "ar" },
          ],
        },
      };
      expect(auditLabels.detail(t, accepted)).toBe(
        language === "fr"
          ? "Contrat CT-2026-000042\u00a0: 2 textes acceptés en arabe (versions 2026-11)"
          : "Contract CT-2026-000042: 2 texts accepted in Arabic (versions 2026-11)",
      );
      const unstated = {
        ...accepted.after,
        legal_texts: [{ id: "terms_of_subscription", version: "2026-11", language: null }],
      };
      expect(auditLabels.detail(t, { ...accepted, after: unstated })).toContain(
        language === "fr"
          ? "1 texte accepté en une langue non indiquée"
          : "1 text accepted in a language not stated",
      );
      expect(auditLabels.detail(t, { action: "client.created", after: accepted.after })).toBeNull();
      expect(auditLabels.role(t, "operator")).toBe(language === "fr" ? "Opérateur" : "Operator");
    });
  }
});
