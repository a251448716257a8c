import { keepPreviousData, queryOptions, useQuery } from "@tanstack/react-query";
import { clientKeys } from "@/features/clients/api/client-keys";
import { api, unwrap } from "@/lib/api-client";
import type { operations } from "@/lib/api-types.gen";

export type ClientListQuery = NonNullable<operations["clients-list"]["parameters"]["query"]>;

export function listClientsQueryOptions(query: ClientListQuery) {
  return queryOptions({
    queryKey: clientKeys.list(query),
    queryFn: ({ signal }) => unwrap(api.GET("/api/v1/clients", { params: { query }, signal })),
    placeholderData: keepPreviousData,
  });
}

export function useClients(query: ClientListQuery) {
  return useQuery(listClientsQueryOptions(query));
}

/** Contracts held by each client of a page, in one request (the contracts count column). */
export function useContractCounts(clientIds: string[]) {
  return useQuery({
    queryKey: clientKeys.contractCounts(clientIds),
    queryFn: ({ signal }) =>
      unwrap(
        api.GET("/api/v1/contracts/counts-by-client", {
          params: { query: { client_id: clientIds } },
          signal,
        }),
      ),
    enabled: clientIds.length > 0,
  });
}
