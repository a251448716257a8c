import { useMutation, useQueryClient } from "@tanstack/react-query";
import { contractKeys } from "@/features/contracts/api/keys";
import { api, unwrap } from "@/lib/api-client";

export type LifecycleAction = "suspend" | "resume" | "terminate";

/**
 * Suspend (first suspended day), resume (first day of service again) or terminate (last day of service)
 * a contract on a date that is never in the future; the line follows.
 */
export function changeContractStatus({
  contractId,
  action,
  effectiveDate,
}: {
  contractId: string;
  action: LifecycleAction;
  effectiveDate: string;
}) {
  const request = { params: { path: { contract_id: contractId } }, body: { effective_date: effectiveDate } };
  if (action === "suspend") return unwrap(api.POST("/api/v1/contracts/{contract_id}/suspend", request));
  if (action === "resume") return unwrap(api.POST("/api/v1/contracts/{contract_id}/resume", request));
  return unwrap(api.POST("/api/v1/contracts/{contract_id}/terminate", request));
}

export function useChangeContractStatus() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: changeContractStatus,
    onSuccess: (contract) => {
      queryClient.setQueryData(contractKeys.detail(contract.id), contract);
      return queryClient.invalidateQueries({ queryKey: contractKeys.all });
    },
  });
}
