import { queryOptions, useQuery } from "@tanstack/react-query";
import { api, unwrap } from "@/lib/api-client";
import { collectionsKeys } from "@/features/collections/api/keys";

export function caseActionsQueryOptions(caseId: string) {
  return queryOptions({
    queryKey: collectionsKeys.actions(caseId),
    queryFn: ({ signal }) =>
      unwrap(
        api.GET("/api/v1/collections/cases/{case_id}/actions", {
          params: { path: { case_id: caseId }, query: { limit: 200 } },
          signal,
        }),
      ),
  });
}

export function useCaseActions(caseId: string) {
  return useQuery(caseActionsQueryOptions(caseId));
}
