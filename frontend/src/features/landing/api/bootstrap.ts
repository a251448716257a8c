import { queryOptions, useQuery } from "@tanstack/react-query";
import { call, landingApi, type Schemas } from "@/features/landing/api/client";

export type Bootstrap = Schemas["LandingBootstrap"];
export type LandingOffer = Schemas["LandingOffer"];
export type OfferCategory = Schemas["LandingOfferCategory"];

export const bootstrapQueryOptions = () =>
  queryOptions({
    queryKey: ["landing", "bootstrap"],
    queryFn: async () => call((await landingApi()).GET("/api/v1/landing/bootstrap")),
    staleTime: 5 * 60_000,
  });

export function useBootstrap() {
  return useQuery(bootstrapQueryOptions());
}

export function findOffer(bootstrap: Bootstrap | undefined, offerId: string | null | undefined) {
  for (const category of bootstrap?.categories ?? []) {
    const offer = category.offers.find((candidate) => candidate.id === offerId);
    if (offer) return { offer, category };
  }
  return null;
}
