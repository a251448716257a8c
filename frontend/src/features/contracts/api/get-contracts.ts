import { keepPreviousData, queryOptions, useQuery } from "@tanstack/react-query";
import { contractKeys } from "@/features/contracts/api/keys";
import type { ContractStatus, ServiceCategory } from "@/features/contracts/api/types";
import { api, unwrap } from "@/lib/api-client";

export type ContractFilters = {
  client_id?: string | undefined;
  offer_id?: string | undefined;
  service?: ServiceCategory | undefined;
  status?: ContractStatus | undefined;
  q?: string | undefined;
  limit: number;
  offset: number;
};

export function getContracts(filters: ContractFilters, signal?: AbortSignal) {
  return unwrap(
    api.GET("/api/v1/contracts", {
      params: {
        query: {
          client_id: filters.client_id ?? null,
          offer_id: filters.offer_id ?? null,
          service: filters.service ?? null,
          status: filters.status ?? null,
          q: filters.q ?? null,
          limit: filters.limit,
          offset: filters.offset,
        },
      },
      signal,
    }),
  );
}

export function contractsQueryOptions(filters: ContractFilters) {
  return queryOptions({
    queryKey: contractKeys.list(filters),
    queryFn: ({ signal }) => getContracts(filters, signal),
    placeholderData: keepPreviousData,
  });
}

export function useContracts(filters: ContractFilters) {
  return useQuery(contractsQueryOptions(filters));
}

/** Every contract of one line, newest first: the line's fee history (each plan change is a contract). */
export function lineContractsQueryOptions(subscriberId: string) {
  return queryOptions({
    queryKey: contractKeys.lineContracts(subscriberId),
    queryFn: ({ signal }) =>
      unwrap(
        api.GET("/api/v1/contracts", {
          params: { query: { subscriber_id: subscriberId, limit: 200 } },
          signal,
        }),
      ),
  });
}

export function useLineContracts(subscriberId: string | undefined) {
  return useQuery({ ...lineContractsQueryOptions(subscriberId ?? ""), enabled: !!subscriberId });
}
