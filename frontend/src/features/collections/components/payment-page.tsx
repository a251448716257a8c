import { Stack, Text, Title } from "@mantine/core";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { useSearchParams } from "react-router";
import { ClientPicker } from "@/components/ui/client-picker";
import { PaymentForm } from "@/features/collections/components/payment-form";

/** Record a payment from a client (reached from a client, an invoice or the Collections tab). */
export function PaymentPage() {
  const { t } = useTranslation("collections");
  const [params, setParams] = useSearchParams();
  const [clientId, setClientId] = useState(params.get("client_id") ?? "");
  return (
    <Stack maw={900}>
      <Title order={1}>{t("payment.title")}</Title>
      {/* As wide as the form below: at 360 px the chosen client's number was cut ("+212 6…"). */}
      <ClientPicker
        label={t("cases.client")}
        value={clientId || null}
        onChange={(value) => {
          setClientId(value ?? "");
          setParams(value ? { client_id: value } : {});
        }}
      />
      {clientId ? (
        <PaymentForm key={clientId} clientId={clientId} showTitle={false} />
      ) : (
        <Text c="dimmed">{t("payment.choose_client")}</Text>
      )}
    </Stack>
  );
}
