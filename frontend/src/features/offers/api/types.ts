import type { components } from "@/lib/api-types.gen";

export type Offer = components["schemas"]["OfferRead"];
export type OfferCreateBody = components["schemas"]["OfferCreate"];
export type OfferCategory = Offer["category"];
export type OfferStatus = Offer["status"];

/** Staff-facing offers come in exactly three categories, always shown in this order (spec 5.1). */
export const OFFER_CATEGORIES = [
  "mobile",
  "internet",
  "landline",
] as const satisfies readonly OfferCategory[];
