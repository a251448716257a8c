import type { OfferCategory, OfferStatus } from "@/features/offers/api/types";

/** Query keys of the offers feature: one tree, so a write can invalidate every list and detail at once. */
export const offerKeys = {
  all: ["offers"] as const,
  lists: () => [...offerKeys.all, "list"] as const,
  list: (filters: { category: OfferCategory; status?: OfferStatus | undefined; q?: string | undefined }) =>
    [...offerKeys.lists(), filters] as const,
  details: () => [...offerKeys.all, "detail"] as const,
  detail: (offerId: string) => [...offerKeys.details(), offerId] as const,
};
