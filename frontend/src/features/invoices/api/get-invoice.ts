import { queryOptions, useQuery } from "@tanstack/react-query";
import { api, unwrap } from "@/lib/api-client";
import type { components } from "@/lib/api-types.gen";
import { billingKeys } from "@/features/invoices/api/keys";

export type InvoiceDetail = components["schemas"]["InvoiceDetail"];

export function invoiceQueryOptions(invoiceId: string) {
  return queryOptions({
    queryKey: billingKeys.invoice(invoiceId),
    queryFn: ({ signal }) =>
      unwrap(
        api.GET("/api/v1/invoices/{invoice_id}", { params: { path: { invoice_id: invoiceId } }, signal }),
      ),
  });
}

export function useInvoice(invoiceId: string) {
  return useQuery(invoiceQueryOptions(invoiceId));
}
