import { useMutation, useQueryClient } from "@tanstack/react-query";
import { api, unwrap } from "@/lib/api-client";
import type { components } from "@/lib/api-types.gen";
import { collectionsKeys } from "@/features/collections/api/keys";

export type ActionCreate = components["schemas"]["ActionCreate"];

export function useCreateCaseAction(caseId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: ActionCreate) =>
      unwrap(
        api.POST("/api/v1/collections/cases/{case_id}/actions", {
          params: { path: { case_id: caseId } },
          body,
        }),
      ),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: collectionsKeys.actions(caseId) }),
  });
}
