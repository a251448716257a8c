import { Select } from "@mantine/core";
import { useTranslation } from "react-i18next";
import { useCatalogue } from "@/features/contracts/api/get-catalogue";
import { formatMoney } from "@/lib/format";

/**
 * Pick an offer, grouped by category. `onSale` limits the choice to offers on sale today (provisioning);
 * otherwise every offer is listed (filters).
 */
export function OfferPicker({
  value,
  onChange,
  label,
  error,
  onSale,
  required = false,
  w,
}: {
  value: string;
  onChange: (offerId: string) => void;
  label: string;
  error?: string | undefined;
  onSale: boolean;
  required?: boolean;
  w?: number;
}) {
  const { t, i18n } = useTranslation("contracts");
  const catalogue = useCatalogue();
  const groups = onSale
    ? (catalogue.data?.onSale ?? []).map((group) => ({ category: group.category, offers: group.offers }))
    : (["mobile", "internet", "landline"] as const).map((category) => ({
        category,
        offers: [...(catalogue.data?.byId.values() ?? [])].filter((offer) => offer.category === category),
      }));
  const labels = {
    mobile: t("service.mobile"),
    internet: t("service.internet"),
    landline: t("service.landline"),
  };
  return (
    <Select
      label={label}
      placeholder={t("picker.offer_placeholder")}
      required={required}
      searchable
      clearable
      w={w}
      value={value || null}
      onChange={(next) => onChange(next ?? "")}
      data={groups
        .filter((group) => group.offers.length > 0)
        .map((group) => ({
          group: labels[group.category],
          items: group.offers.map((offer) => ({
            value: offer.id,
            label: `${offer.code} — ${offer.name} (${formatMoney(offer.monthly_fee, i18n.language)})`,
          })),
        }))}
      nothingFoundMessage={t("picker.no_offer")}
      error={error}
    />
  );
}
