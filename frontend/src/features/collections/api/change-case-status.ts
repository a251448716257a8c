import { useMutation, useQueryClient } from "@tanstack/react-query";
import { api, unwrap } from "@/lib/api-client";
import type { components } from "@/lib/api-types.gen";
import { collectionsKeys } from "@/features/collections/api/keys";

export type CaseStatusChange = components["schemas"]["CaseStatusChange"];

export function useChangeCaseStatus(caseId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: CaseStatusChange) =>
      unwrap(
        api.PUT("/api/v1/collections/cases/{case_id}/status", {
          params: { path: { case_id: caseId } },
          body,
        }),
      ),
    onSuccess: (detail) => {
      queryClient.setQueryData(collectionsKeys.case(caseId), detail);
      void queryClient.invalidateQueries({ queryKey: collectionsKeys.all });
    },
  });
}
