import { keepPreviousData, queryOptions, useQuery } from "@tanstack/react-query";
import { api, unwrap } from "@/lib/api-client";
import { billingKeys } from "@/features/invoices/api/keys";

export type RunsQuery = { limit: number; offset: number; dry_run?: boolean };

export function billingRunsQueryOptions(query: RunsQuery) {
  return queryOptions({
    queryKey: billingKeys.runs(query),
    queryFn: ({ signal }) => unwrap(api.GET("/api/v1/billing/runs", { params: { query }, signal })),
    placeholderData: keepPreviousData,
  });
}

export function useBillingRuns(query: RunsQuery) {
  return useQuery(billingRunsQueryOptions(query));
}
