import { queryOptions, useQuery } from "@tanstack/react-query";
import { contractKeys } from "@/features/contracts/api/keys";
import type { ContractOffer } from "@/features/contracts/api/types";
import { api, unwrap } from "@/lib/api-client";

/**
 * Every offer (on sale and retired) by id, to name the offer of any contract, and the offers on sale today
 * grouped by category for the offer picker.
 */
export function catalogueQueryOptions() {
  return queryOptions({
    queryKey: contractKeys.catalogue(),
    queryFn: async ({ signal }) => {
      const [all, onSale] = await Promise.all([
        unwrap(api.GET("/api/v1/offers", { params: { query: { limit: 200 } }, signal })),
        unwrap(api.GET("/api/v1/offer-categories", { signal })),
      ]);
      return {
        byId: new Map<string, ContractOffer>(all.items.map((offer) => [offer.id, offer])),
        onSale: onSale.categories,
      };
    },
    staleTime: 60_000,
  });
}

export function useCatalogue() {
  return useQuery(catalogueQueryOptions());
}
