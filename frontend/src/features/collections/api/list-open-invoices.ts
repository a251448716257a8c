import { queryOptions, useQuery } from "@tanstack/react-query";
import { api, unwrap } from "@/lib/api-client";
import { collectionsKeys } from "@/features/collections/api/keys";
import type { OpenInvoice } from "@/features/collections/lib/allocation";

/** The client's invoices still owing (issued or overdue), for the allocation preview. */
export function openInvoicesQueryOptions(clientId: string) {
  return queryOptions({
    queryKey: collectionsKeys.openInvoices(clientId),
    queryFn: async ({ signal }): Promise<OpenInvoice[]> => {
      const [issued, overdue] = await Promise.all(
        (["issued", "overdue"] as const).map((status) =>
          unwrap(
            api.GET("/api/v1/invoices", {
              params: { query: { client_id: clientId, status, limit: 200 } },
              signal,
            }),
          ),
        ),
      );
      return [...(issued?.items ?? []), ...(overdue?.items ?? [])].map((invoice) => ({
        invoice_id: invoice.id,
        invoice_number: invoice.invoice_number,
        due_date: invoice.due_date,
        outstanding_amount: invoice.outstanding_amount,
      }));
    },
    enabled: !!clientId,
  });
}

export function useOpenInvoices(clientId: string) {
  return useQuery(openInvoicesQueryOptions(clientId));
}
