import { queryOptions, useQuery } from "@tanstack/react-query";
import { api, unwrap } from "@/lib/api-client";
import { billingKeys } from "@/features/invoices/api/keys";

export function taxRatesQueryOptions() {
  return queryOptions({
    queryKey: billingKeys.taxRates(),
    queryFn: ({ signal }) => unwrap(api.GET("/api/v1/reporting/tax-rates", { signal })),
    staleTime: Infinity,
  });
}

export function useTaxRates() {
  return useQuery(taxRatesQueryOptions());
}
