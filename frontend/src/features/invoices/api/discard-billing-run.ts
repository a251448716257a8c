import { useMutation, useQueryClient } from "@tanstack/react-query";
import { api, unwrap } from "@/lib/api-client";
import { billingKeys } from "@/features/invoices/api/keys";

export function useDiscardBillingRun(runId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () =>
      unwrap(api.POST("/api/v1/billing/runs/{run_id}/discard", { params: { path: { run_id: runId } } })),
    onSuccess: (run) => {
      queryClient.setQueryData(billingKeys.run(runId), run);
      void queryClient.invalidateQueries({ queryKey: billingKeys.all });
    },
  });
}
