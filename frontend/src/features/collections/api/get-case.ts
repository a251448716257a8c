import { queryOptions, useQuery } from "@tanstack/react-query";
import { api, unwrap } from "@/lib/api-client";
import type { components } from "@/lib/api-types.gen";
import { collectionsKeys } from "@/features/collections/api/keys";

export type CaseDetail = components["schemas"]["CaseDetail"];

export function caseQueryOptions(caseId: string) {
  return queryOptions({
    queryKey: collectionsKeys.case(caseId),
    queryFn: ({ signal }) =>
      unwrap(
        api.GET("/api/v1/collections/cases/{case_id}", { params: { path: { case_id: caseId } }, signal }),
      ),
  });
}

export function useCase(caseId: string) {
  return useQuery(caseQueryOptions(caseId));
}
