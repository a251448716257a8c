import { keepPreviousData, queryOptions, useQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { call, landingApi, type Schemas } from "@/features/landing/api/client";
import { asLanguage, type LandingLanguage } from "@/features/landing/lib/language";

export type Bootstrap = Schemas["LandingBootstrap"];
export type LandingOffer = Schemas["LandingOffer"];
export type OfferCategory = Schemas["LandingOfferCategory"];

/** The bootstrap in one language: its legal texts are in that language, so the language is in the key. */
export const bootstrapQueryOptions = (language: LandingLanguage) =>
  queryOptions({
    queryKey: ["landing", "bootstrap", language],
    queryFn: async () =>
      call((await landingApi()).GET("/api/v1/landing/bootstrap", { params: { query: { lang: language } } })),
    staleTime: 5 * 60_000,
    // A language switch keeps the page (and the wizard's state) on the previous answer until the new one is in.
    placeholderData: keepPreviousData,
  });

export function useBootstrap() {
  const { i18n } = useTranslation("landing");
  return useQuery(bootstrapQueryOptions(asLanguage(i18n.language) ?? "fr"));
}

export function findOffer(bootstrap: Bootstrap | undefined, offerId: string | null | undefined) {
  for (const category of bootstrap?.categories ?? []) {
    const offer = category.offers.find((candidate) => candidate.id === offerId);
    if (offer) return { offer, category };
  }
  return null;
}
