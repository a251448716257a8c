import { keepPreviousData, queryOptions, useQuery } from "@tanstack/react-query";
import { api, unwrap } from "@/lib/api-client";

/**
 * The client reads every feature's client picker and client link share: one cache entry per client and per
 * search, whichever screen asked first. Lists name their clients from the API rows themselves.
 */
export const clientLookupKeys = {
  all: ["client-lookup"] as const,
  one: (clientId: string) => [...clientLookupKeys.all, "one", clientId] as const,
  search: (term: string) => [...clientLookupKeys.all, "search", term] as const,
};

export function clientLookupQueryOptions(clientId: string) {
  return queryOptions({
    queryKey: clientLookupKeys.one(clientId),
    queryFn: ({ signal }) =>
      unwrap(api.GET("/api/v1/clients/{client_id}", { params: { path: { client_id: clientId } }, signal })),
    staleTime: 5 * 60_000,
  });
}

export function useClientLookup(clientId: string | null | undefined) {
  return useQuery({ ...clientLookupQueryOptions(clientId ?? ""), enabled: !!clientId });
}

/** Clients matching a search (name, CIN or phone) on the server; two characters at least. */
export function clientSearchQueryOptions(term: string) {
  return queryOptions({
    queryKey: clientLookupKeys.search(term),
    queryFn: ({ signal }) =>
      unwrap(api.GET("/api/v1/clients", { params: { query: { q: term, limit: 10 } }, signal })),
    enabled: term.length >= 2,
    placeholderData: keepPreviousData,
    staleTime: 30_000,
  });
}

export function useClientSearch(term: string) {
  return useQuery(clientSearchQueryOptions(term));
}
