import { queryOptions, useQuery } from "@tanstack/react-query";
import { contractKeys } from "@/features/contracts/api/keys";
import { api, unwrap } from "@/lib/api-client";

export function contractQueryOptions(contractId: string) {
  return queryOptions({
    queryKey: contractKeys.detail(contractId),
    queryFn: ({ signal }) =>
      unwrap(
        api.GET("/api/v1/contracts/{contract_id}", { params: { path: { contract_id: contractId } }, signal }),
      ),
  });
}

export function useContract(contractId: string) {
  return useQuery(contractQueryOptions(contractId));
}
