import { useTranslation } from "react-i18next";
import { ComingSoon } from "@/components/layouts/coming-soon";

// Replaced by the Offers tab (features/offers) in its own change.
export function OffersRoute() {
  const { t } = useTranslation();
  return <ComingSoon title={t("nav.offers")} />;
}
