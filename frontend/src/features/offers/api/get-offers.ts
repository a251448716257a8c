import { keepPreviousData, queryOptions, useQuery } from "@tanstack/react-query";
import { offerKeys } from "@/features/offers/api/keys";
import type { OfferCategory, OfferStatus } from "@/features/offers/api/types";
import { api, unwrap } from "@/lib/api-client";

/** Offers of one category shown at once; the catalogue of a category stays far below this. */
export const OFFERS_PER_CATEGORY = 200;

export type OfferListFilters = {
  category: OfferCategory;
  status?: OfferStatus | undefined;
  q?: string | undefined;
};

export function getOffers(filters: OfferListFilters, signal?: AbortSignal) {
  return unwrap(
    api.GET("/api/v1/offers", {
      params: {
        query: {
          category: filters.category,
          status: filters.status ?? null,
          q: filters.q || null,
          limit: OFFERS_PER_CATEGORY,
        },
      },
      signal,
    }),
  );
}

export function offersQueryOptions(filters: OfferListFilters) {
  return queryOptions({
    queryKey: offerKeys.list(filters),
    queryFn: ({ signal }) => getOffers(filters, signal),
    placeholderData: keepPreviousData,
  });
}

export function useOffers(filters: OfferListFilters) {
  return useQuery(offersQueryOptions(filters));
}
