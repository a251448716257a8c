import { queryOptions, useQuery } from "@tanstack/react-query";
import { api, unwrap } from "@/lib/api-client";

/** The offers of the catalogue, for the invoice filter by offer. */
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
