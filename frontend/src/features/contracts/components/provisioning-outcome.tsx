import { Badge, Button, Group, Paper, Stack, Table, Text, Title } from "@mantine/core";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { paths } from "@/config/paths";
import type { ContractOffer, ProvisioningResult } from "@/features/contracts/api/types";
import { ContractPdfButton } from "@/features/contracts/components/contract-pdf-button";
import { contractLabels, decisionColor } from "@/features/contracts/labels";
import { formatDate, formatMoney, formatPhone } from "@/lib/format";

function offerName(offer: ContractOffer | undefined, fallback: string) {
  return offer ? `${offer.code} — ${offer.name}` : fallback;
}

/** What the backend decided, said plainly, and what changed: offer, fee, dates, line. */
export function ProvisioningOutcome({
  result,
  offersById,
  onStartOver,
}: {
  result: ProvisioningResult;
  offersById: Map<string, ContractOffer> | undefined;
  onStartOver: () => void;
}) {
  const { t, i18n } = useTranslation("contracts");
  const language = i18n.language;
  const { contract, replaced_contract: replaced, subscriber, decision } = result;
  const newOffer = offersById?.get(contract.offer_id);
  const oldOffer = replaced ? offersById?.get(replaced.offer_id) : undefined;
  const headline =
    decision === "created"
      ? t("outcome.created", { number: contract.contract_number, line: formatPhone(subscriber.phone_number) })
      : t(decision === "upgraded" ? "outcome.upgraded" : "outcome.downgraded", {
          line: formatPhone(subscriber.phone_number),
          from: offerName(oldOffer, replaced?.contract_number ?? ""),
          to: offerName(newOffer, contract.contract_number),
        });
  return (
    <Paper withBorder p="lg" radius="md" component="section" aria-label={t("outcome.title")}>
      <Stack gap="sm">
        <Group gap="sm">
          <Badge
            size="xl"
            variant="light"
            color={decisionColor[decision]}
            data-testid="provisioning-decision"
          >
            {contractLabels.decision(t, decision)}
          </Badge>
          <Title order={2} size="h4">
            {headline}
          </Title>
        </Group>
        <Table variant="vertical" layout="fixed" aria-label={t("outcome.changes")}>
          <Table.Thead>
            <Table.Tr>
              <Table.Th w="28%" />
              {replaced && <Table.Th>{t("outcome.before")}</Table.Th>}
              <Table.Th>{replaced ? t("outcome.after") : t("outcome.new_contract")}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            <Table.Tr>
              <Table.Th>{t("fields.contract")}</Table.Th>
              {replaced && <Table.Td ff="monospace">{replaced.contract_number}</Table.Td>}
              <Table.Td ff="monospace">{contract.contract_number}</Table.Td>
            </Table.Tr>
            <Table.Tr>
              <Table.Th>{t("fields.offer")}</Table.Th>
              {replaced && <Table.Td>{offerName(oldOffer, "—")}</Table.Td>}
              <Table.Td>{offerName(newOffer, "—")}</Table.Td>
            </Table.Tr>
            <Table.Tr>
              <Table.Th>{t("fields.monthly_fee")}</Table.Th>
              {replaced && <Table.Td>{formatMoney(replaced.monthly_fee, language)}</Table.Td>}
              <Table.Td fw={700}>{formatMoney(contract.monthly_fee, language)}</Table.Td>
            </Table.Tr>
            <Table.Tr>
              <Table.Th>{t("fields.service_period")}</Table.Th>
              {replaced && (
                <Table.Td>{t("outcome.ends", { date: formatDate(replaced.end_date, language) })}</Table.Td>
              )}
              <Table.Td>{t("outcome.starts", { date: formatDate(contract.start_date, language) })}</Table.Td>
            </Table.Tr>
            <Table.Tr>
              <Table.Th>{t("fields.activation_fee")}</Table.Th>
              {replaced && <Table.Td>—</Table.Td>}
              <Table.Td>
                {formatMoney(contract.activation_fee, language)}
                {contract.activation_fee_pending ? ` · ${t("outcome.to_bill")}` : ""}
              </Table.Td>
            </Table.Tr>
            <Table.Tr>
              <Table.Th>{t("fields.line")}</Table.Th>
              {replaced && <Table.Td>{formatPhone(subscriber.phone_number)}</Table.Td>}
              <Table.Td>
                {formatPhone(subscriber.phone_number)} ·{" "}
                {contractLabels.serviceType(t, subscriber.service_type)}
              </Table.Td>
            </Table.Tr>
          </Table.Tbody>
        </Table>
        <Text size="sm" c="dimmed">
          {decision === "created" ? t("outcome.created_hint") : t("outcome.change_hint")}
        </Text>
        <Group justify="flex-end">
          <Button variant="default" onClick={onStartOver}>
            {t("outcome.another")}
          </Button>
          <ContractPdfButton contractId={contract.id} contractNumber={contract.contract_number} />
          <Button component={Link} to={paths.contract(contract.id)}>
            {t("outcome.open")}
          </Button>
        </Group>
      </Stack>
    </Paper>
  );
}
