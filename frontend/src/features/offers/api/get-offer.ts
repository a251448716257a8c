import { queryOptions, useQuery } from "@tanstack/react-query";
import { offerKeys } from "@/features/offers/api/keys";
import { api, unwrap } from "@/lib/api-client";

export function getOffer(offerId: string, signal?: AbortSignal) {
  return unwrap(api.GET("/api/v1/offers/{offer_id}", { params: { path: { offer_id: offerId } }, signal }));
}

export function offerQueryOptions(offerId: string) {
  return queryOptions({
    queryKey: offerKeys.detail(offerId),
    queryFn: ({ signal }) => getOffer(offerId, signal),
  });
}

export function useOffer(offerId: string) {
  return useQuery(offerQueryOptions(offerId));
}
