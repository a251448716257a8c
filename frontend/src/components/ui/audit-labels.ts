import type { TFunction } from "i18next";
import type { components } from "@/lib/api-types.gen";

type AuditEvent = components["schemas"]["AuditEventRead"];

// Typed against the API's vocabulary: a new action or entity in the OpenAPI fails tsc until it has words.
const ACTIONS: Record<AuditEvent["action"], string> = {
  "billing_run.created": "audit:actions.billing_run_created",
  "billing_run.started": "audit:actions.billing_run_started",
  "billing_run.finished": "audit:actions.billing_run_finished",
  "billing_run.failed": "audit:actions.billing_run_failed",
  "billing_run.discarded": "audit:actions.billing_run_discarded",
  "invoices.issued": "audit:actions.invoices_issued",
  "invoice.approved_paid": "audit:actions.invoice_approved_paid",
  "credit_note.issued": "audit:actions.credit_note_issued",
  "payment.recorded": "audit:actions.payment_recorded",
  "refund.recorded": "audit:actions.refund_recorded",
  "case.opened": "audit:actions.case_opened",
  "case.status_changed": "audit:actions.case_status_changed",
  "call.logged": "audit:actions.call_logged",
  "reminder.sent": "audit:actions.reminder_sent",
  "client.created": "audit:actions.client_created",
  "client.updated": "audit:actions.client_updated",
  "client.status_changed": "audit:actions.client_status_changed",
  "client.deleted": "audit:actions.client_deleted",
  "client.anonymised": "audit:actions.client_anonymised",
  "client.legal_texts_accepted": "audit:actions.client_legal_texts_accepted",
  "offer.created": "audit:actions.offer_created",
  "offer.updated": "audit:actions.offer_updated",
  "offer.retired": "audit:actions.offer_retired",
  "contract.provisioned": "audit:actions.contract_provisioned",
  "contract.replaced": "audit:actions.contract_replaced",
  "contract.suspended": "audit:actions.contract_suspended",
  "contract.resumed": "audit:actions.contract_resumed",
  "contract.terminated": "audit:actions.contract_terminated",
  "subscriber.created": "audit:actions.subscriber_created",
  "subscriber.updated": "audit:actions.subscriber_updated",
  "subscriber.terminated": "audit:actions.subscriber_terminated",
  "subscriber.technology_changed": "audit:actions.subscriber_technology_changed",
  "user.created": "audit:actions.user_created",
  "user.updated": "audit:actions.user_updated",
  "webhook_endpoint.created": "audit:actions.webhook_endpoint_created",
  "webhook_endpoint.updated": "audit:actions.webhook_endpoint_updated",
  "webhook_delivery.redelivered": "audit:actions.webhook_delivery_redelivered",
};

const ENTITIES: Record<AuditEvent["entity_type"], string> = {
  billing_run: "audit:entities.billing_run",
  invoice: "audit:entities.invoice",
  credit_note: "audit:entities.credit_note",
  payment: "audit:entities.payment",
  collection_case: "audit:entities.collection_case",
  client: "audit:entities.client",
  offer: "audit:entities.offer",
  contract: "audit:entities.contract",
  subscriber: "audit:entities.subscriber",
  user: "audit:entities.user",
  webhook_endpoint: "audit:entities.webhook_endpoint",
  webhook_delivery: "audit:entities.webhook_delivery",
};

// The roles an audit record names: the staff roles, plus the public journeys and the system's own jobs.
const ROLES: Record<string, string> = {
  admin: "common:roles.admin",
  operator: "common:roles.operator",
  billing: "common:roles.billing",
  collections: "common:roles.collections",
  auditor: "common:roles.auditor",
  landing: "audit:roles.landing",
  system: "audit:roles.system",
};

type AcceptedText = { version?: unknown; language?: unknown };

/** What an online acceptance says beyond its title: the contract, and the wording's language and version. */
function legalTextsAccepted(t: TFunction, after: AuditEvent["after"]): string | null {
  const texts = Array.isArray(after?.legal_texts) ? (after.legal_texts as AcceptedText[]) : [];
  if (!texts.length || typeof after?.contract_number !== "string") return null;
  const language = texts[0]?.language;
  return t("audit:details.legal_texts_accepted", {
    contract: after.contract_number,
    count: texts.length,
    language: t(`audit:languages.${typeof language === "string" ? language : "unstated"}`),
    versions: [...new Set(texts.map((text) => String(text.version)))].join(", "),
  });
}

/** An audit event in the operator's words: what happened, to what kind of record, by which role. */
export const auditLabels = {
  action: (t: TFunction, action: AuditEvent["action"]) => t(ACTIONS[action]),
  /** A line of detail where the title alone does not say enough; null for the others. */
  detail: (t: TFunction, event: Pick<AuditEvent, "action" | "after">) =>
    event.action === "client.legal_texts_accepted" ? legalTextsAccepted(t, event.after) : null,
  entity: (t: TFunction, entity: AuditEvent["entity_type"]) => t(ENTITIES[entity]),
  role: (t: TFunction, role: string) => (ROLES[role] ? t(ROLES[role]) : role),
};
