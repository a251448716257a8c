import { keepPreviousData, queryOptions, useQuery } from "@tanstack/react-query";
import { api, unwrap } from "@/lib/api-client";

/** Clients matching a search term, for the client filter (name, CIN or phone). */
export function clientOptionsQueryOptions(term: string) {
  return queryOptions({
    queryKey: ["lookup", "clients", term],
    queryFn: ({ signal }) =>
      unwrap(api.GET("/api/v1/clients", { params: { query: { q: term || undefined, limit: 20 } }, signal })),
    placeholderData: keepPreviousData,
    staleTime: 30_000,
  });
}

export function useClientOptions(term: string) {
  return useQuery(clientOptionsQueryOptions(term));
}

export function offerOptionsQueryOptions() {
  return queryOptions({
    queryKey: ["lookup", "offers"],
    queryFn: ({ signal }) => unwrap(api.GET("/api/v1/offers", { params: { query: { limit: 200 } }, signal })),
    staleTime: 60_000,
  });
}

export function useOfferOptions() {
  return useQuery(offerOptionsQueryOptions());
}
