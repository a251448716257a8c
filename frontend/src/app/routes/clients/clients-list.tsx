import { useTranslation } from "react-i18next";
import { ComingSoon } from "@/components/layouts/coming-soon";

export function ClientsListRoute() {
  const { t } = useTranslation();
  return <ComingSoon title={t("nav.clients")} />;
}
