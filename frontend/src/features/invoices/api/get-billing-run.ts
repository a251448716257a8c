import { queryOptions, useQuery } from "@tanstack/react-query";
import { api, unwrap } from "@/lib/api-client";
import { billingKeys } from "@/features/invoices/api/keys";
import type { BillingRunDetail } from "@/features/invoices/api/create-billing-run";

const POLL_MS = 1000;

/** A run still working (invoicing, or its PDFs rendering) is polled every second until it settles. */
export function isSettled(run: BillingRunDetail): boolean {
  if (run.status === "failed") return true;
  if (run.status !== "completed") return false;
  return run.dry_run || run.pdfs_ready || run.invoices_count === 0;
}

export function billingRunQueryOptions(runId: string) {
  return queryOptions({
    queryKey: billingKeys.run(runId),
    queryFn: ({ signal }) =>
      unwrap(api.GET("/api/v1/billing/runs/{run_id}", { params: { path: { run_id: runId } }, signal })),
    refetchInterval: (query) => (query.state.data && isSettled(query.state.data) ? false : POLL_MS),
  });
}

export function useBillingRun(runId: string) {
  return useQuery(billingRunQueryOptions(runId));
}
