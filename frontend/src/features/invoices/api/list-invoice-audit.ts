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
