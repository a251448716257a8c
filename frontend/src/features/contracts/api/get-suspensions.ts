import { queryOptions, useQuery } from "@tanstack/react-query";
import { contractKeys } from "@/features/contracts/api/keys";
import { api, unwrap } from "@/lib/api-client";

export function suspensionsQueryOptions(contractId: string) {
  return queryOptions({
    queryKey: contractKeys.suspensions(contractId),
    queryFn: ({ signal }) =>
      unwrap(
        api.GET("/api/v1/contracts/{contract_id}/suspensions", {
          params: { path: { contract_id: contractId } },
          signal,
        }),
      ),
  });
}

export function useSuspensions(contractId: string) {
  return useQuery(suspensionsQueryOptions(contractId));
}
