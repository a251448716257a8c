import { List, Text } from "@mantine/core";
import { useTranslation } from "react-i18next";
import type { LandingOffer } from "@/features/landing/api/bootstrap";

/** What an offer contains, in the customer's words. */
export function OfferFacts({ offer }: { offer: LandingOffer }) {
  const { t, i18n } = useTranslation("landing");
  const number = (value: string | number) =>
    new Intl.NumberFormat(i18n.language === "ar" ? "ar-MA" : i18n.language, {
      numberingSystem: "latn",
    }).format(Number(value));
  const facts: string[] = [];
  if (offer.mobile_data_gb) facts.push(t("offer.data_gb", { value: number(offer.mobile_data_gb) }));
  if (offer.mobile_calls_hours)
    facts.push(t("offer.calls_hours", { value: number(offer.mobile_calls_hours) }));
  if (offer.internet_access_type === "fiber" && offer.internet_fiber_speed_mbps)
    facts.push(t("offer.fiber", { value: number(offer.internet_fiber_speed_mbps) }));
  if (offer.internet_access_type === "adsl" && offer.internet_adsl_speed_mbps)
    facts.push(t("offer.adsl", { value: number(offer.internet_adsl_speed_mbps) }));
  if (offer.internet_landline_included) facts.push(t("offer.landline_included"));
  if (offer.internet_tv_included) facts.push(t("offer.tv_included"));
  if (offer.landline_national_included) facts.push(t("offer.national_included"));
  if (offer.landline_international_hours)
    facts.push(t("offer.international_hours", { value: number(offer.landline_international_hours) }));
  if (offer.landline_phone_hours)
    facts.push(t("offer.phone_hours", { value: number(offer.landline_phone_hours) }));
  return (
    <>
      <Text fw={700} size="lg">
        {t("offer.per_month", { amount: offer.monthly_fee })}
      </Text>
      <Text size="sm" c="gray.7">
        {t("offer.activation", { amount: offer.activation_fee })}
      </Text>
      {facts.length > 0 ? (
        <List size="sm" spacing={2} mt={4}>
          {facts.map((fact) => (
            <List.Item key={fact}>{fact}</List.Item>
          ))}
        </List>
      ) : null}
    </>
  );
}
