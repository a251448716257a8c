import { OffersRoutes } from "@/features/offers/components/offers-routes";

export function OffersRoute() {
  return <OffersRoutes />;
}
