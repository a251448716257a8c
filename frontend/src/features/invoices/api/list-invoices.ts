import { keepPreviousData, queryOptions, useQuery } from "@tanstack/react-query";
import { api, unwrap } from "@/lib/api-client";
import type { operations } from "@/lib/api-types.gen";
import { billingKeys } from "@/features/invoices/api/keys";

export type InvoicesQuery = NonNullable<operations["invoices-list"]["parameters"]["query"]>;

export function invoicesQueryOptions(query: InvoicesQuery) {
  return queryOptions({
    queryKey: billingKeys.invoices(query),
    queryFn: ({ signal }) => unwrap(api.GET("/api/v1/invoices", { params: { query }, signal })),
    placeholderData: keepPreviousData,
  });
}

export function useInvoices(query: InvoicesQuery) {
  return useQuery(invoicesQueryOptions(query));
}
