import { queryOptions, useQuery } from "@tanstack/react-query";
import { api, unwrap } from "@/lib/api-client";
import { billingKeys } from "@/features/invoices/api/keys";

export function invoicePaymentsQueryOptions(invoiceId: string) {
  return queryOptions({
    queryKey: billingKeys.invoicePayments(invoiceId),
    queryFn: ({ signal }) =>
      unwrap(
        api.GET("/api/v1/collections/payments", {
          params: { query: { invoice_id: invoiceId, limit: 200 } },
          signal,
        }),
      ),
  });
}

export function useInvoicePayments(invoiceId: string) {
  return useQuery(invoicePaymentsQueryOptions(invoiceId));
}
