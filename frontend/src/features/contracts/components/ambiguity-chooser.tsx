import { Alert, Button, Group, Radio, Stack, Text } from "@mantine/core";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import type { ContractOffer, ProvisioningCandidate } from "@/features/contracts/api/types";
import { contractLabels } from "@/features/contracts/labels";
import { formatDate, formatMoney, formatPhone } from "@/lib/format";

const NEW_LINE = "new_line";

/**
 * The answer to a 409 provisioning_ambiguous: the client has several contracts this offer could replace,
 * so the operator says which one (the request is sent again with its target_contract_id) or asks for a
 * new line instead.
 */
export function AmbiguityChooser({
  candidates,
  offersById,
  pending,
  onChooseContract,
  onChooseNewLine,
  onCancel,
}: {
  candidates: ProvisioningCandidate[];
  offersById: Map<string, ContractOffer> | undefined;
  pending: boolean;
  onChooseContract: (contractId: string) => void;
  onChooseNewLine: () => void;
  onCancel: () => void;
}) {
  const { t, i18n } = useTranslation("contracts");
  const [choice, setChoice] = useState<string>("");
  const language = i18n.language;
  return (
    <Alert
      color="orange"
      variant="light"
      title={t("ambiguity.title")}
      role="region"
      aria-label={t("ambiguity.title")}
    >
      <Stack gap="sm">
        <Text size="sm">{t("ambiguity.body", { count: candidates.length })}</Text>
        <Radio.Group value={choice} onChange={setChoice} aria-label={t("ambiguity.choose")}>
          <Stack gap="xs">
            {candidates.map((candidate) => {
              const offer = offersById?.get(candidate.offer_id);
              return (
                <Radio.Card
                  key={candidate.contract_id}
                  value={candidate.contract_id}
                  p="sm"
                  radius="md"
                  withBorder
                >
                  <Group wrap="nowrap" align="flex-start">
                    <Radio.Indicator />
                    <div>
                      <Text fw={700} ff="monospace" size="sm">
                        {candidate.contract_number}
                      </Text>
                      <Text size="sm">
                        {formatPhone(candidate.phone_number)} ·{" "}
                        {contractLabels.serviceType(t, candidate.service_type)}
                        {offer ? ` · ${offer.code} — ${offer.name}` : ""}
                      </Text>
                      <Text size="xs" c="dimmed">
                        {t("ambiguity.since", {
                          date: formatDate(candidate.start_date, language),
                          fee: formatMoney(candidate.monthly_fee, language),
                        })}
                      </Text>
                    </div>
                  </Group>
                </Radio.Card>
              );
            })}
            <Radio.Card value={NEW_LINE} p="sm" radius="md" withBorder>
              <Group wrap="nowrap" align="flex-start">
                <Radio.Indicator />
                <div>
                  <Text fw={700} size="sm">
                    {t("ambiguity.new_line")}
                  </Text>
                  <Text size="xs" c="dimmed">
                    {t("ambiguity.new_line_hint")}
                  </Text>
                </div>
              </Group>
            </Radio.Card>
          </Stack>
        </Radio.Group>
        <Group justify="flex-end">
          <Button variant="default" onClick={onCancel}>
            {t("ambiguity.cancel")}
          </Button>
          <Button
            disabled={!choice}
            loading={pending}
            onClick={() => (choice === NEW_LINE ? onChooseNewLine() : onChooseContract(choice))}
          >
            {choice === NEW_LINE ? t("ambiguity.confirm_new_line") : t("ambiguity.confirm")}
          </Button>
        </Group>
      </Stack>
    </Alert>
  );
}
