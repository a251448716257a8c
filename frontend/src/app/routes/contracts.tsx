import { useTranslation } from "react-i18next";
import { ComingSoon } from "@/components/layouts/coming-soon";

// Replaced by the Contracts tab (features/contracts) in its own change.
export function ContractsRoute() {
  const { t } = useTranslation();
  return <ComingSoon title={t("nav.contracts")} />;
}
