import { keepPreviousData, queryOptions, useQueries, useQuery } from "@tanstack/react-query";
import { contractKeys } from "@/features/contracts/api/keys";
import type { ContractClient } from "@/features/contracts/api/types";
import { api, unwrap } from "@/lib/api-client";

export function clientQueryOptions(clientId: string) {
  return queryOptions({
    queryKey: contractKeys.client(clientId),
    queryFn: ({ signal }) =>
      unwrap(api.GET("/api/v1/clients/{client_id}", { params: { path: { client_id: clientId } }, signal })),
    staleTime: 60_000,
  });
}

export function useClient(clientId: string | undefined) {
  return useQuery({ ...clientQueryOptions(clientId ?? ""), enabled: !!clientId });
}

/** The clients of a page of contracts, by id (one cached request per client). */
export function useClientsById(clientIds: string[]): Map<string, ContractClient> {
  const unique = [...new Set(clientIds)];
  return useQueries({
    queries: unique.map((id) => clientQueryOptions(id)),
    combine: (results) => {
      const byId = new Map<string, ContractClient>();
      for (const result of results) if (result.data) byId.set(result.data.id, result.data);
      return byId;
    },
  });
}

/** Clients matching a search (name, CIN or phone), for the client picker. */
export function clientSearchQueryOptions(term: string) {
  return queryOptions({
    queryKey: contractKeys.clientSearch(term),
    queryFn: ({ signal }) =>
      unwrap(api.GET("/api/v1/clients", { params: { query: { q: term, limit: 10 } }, signal })),
    enabled: term.length >= 2,
    placeholderData: keepPreviousData,
  });
}

export function useClientSearch(term: string) {
  return useQuery(clientSearchQueryOptions(term));
}
