import { queryOptions, useQuery } from "@tanstack/react-query";
import { api, unwrap } from "@/lib/api-client";
import { billingKeys } from "@/features/invoices/api/keys";

/** The invoice's audit trail (admins and auditors read the audit log; others see why it is closed). */
export function invoiceAuditQueryOptions(invoiceId: string, enabled: boolean) {
  return queryOptions({
    queryKey: billingKeys.invoiceAudit(invoiceId),
    queryFn: ({ signal }) =>
      unwrap(
        api.GET("/api/v1/audit-events", {
          params: { query: { entity_type: "invoice", entity_id: invoiceId, limit: 100 } },
          signal,
        }),
      ),
    enabled,
  });
}

export function useInvoiceAudit(invoiceId: string, enabled: boolean) {
  return useQuery(invoiceAuditQueryOptions(invoiceId, enabled));
}

/**
 * The records of the invoice's credit notes: a credit note is audited as its own entity (`credit_note`),
 * so the invoice's own trail does not hold them; the audit log finds them by the invoice they credit.
 */
export function invoiceCreditNoteAuditQueryOptions(invoiceId: string, enabled: boolean) {
  return queryOptions({
    queryKey: billingKeys.invoiceCreditNoteAudit(invoiceId),
    queryFn: ({ signal }) =>
      unwrap(
        api.GET("/api/v1/audit-events", {
          params: { query: { credited_invoice_id: invoiceId, limit: 100 } },
          signal,
        }),
      ),
    enabled,
  });
}

export function useInvoiceCreditNoteAudit(invoiceId: string, enabled: boolean) {
  return useQuery(invoiceCreditNoteAuditQueryOptions(invoiceId, enabled));
}

/**
 * The run's audit record of the batch that issued this invoice: a run audits each batch of consecutive
 * numbers once (not each invoice), so the invoice's own trail starts after it.
 */
export function invoiceIssuedBatchQueryOptions(
  runId: string | null,
  invoiceNumber: string | null,
  enabled: boolean,
) {
  return queryOptions({
    queryKey: billingKeys.invoiceIssuedBatch(runId ?? "", invoiceNumber ?? ""),
    queryFn: ({ signal }) =>
      unwrap(
        api.GET("/api/v1/audit-events", {
          params: {
            query: {
              entity_type: "billing_run",
              entity_id: runId ?? "",
              issued_invoice_number: invoiceNumber ?? "",
              limit: 1,
            },
          },
          signal,
        }),
      ),
    enabled: enabled && !!runId && !!invoiceNumber,
  });
}

export function useInvoiceIssuedBatch(runId: string | null, invoiceNumber: string | null, enabled: boolean) {
  return useQuery(invoiceIssuedBatchQueryOptions(runId, invoiceNumber, enabled));
}
