import { Button, Group, Stack, Text, TextInput, Tooltip } from "@mantine/core";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import {
  transitionsFrom,
  type CaseStatus,
  type CaseTarget,
} from "@/features/collections/lib/case-transitions";

const TARGET_LABEL = {
  in_progress: "collections:case_status.in_progress",
  promise_to_pay: "collections:case_status.promise_to_pay",
  resolved: "collections:case_status.resolved",
  written_off: "collections:case_status.written_off",
} as const;
const REASON = {
  closed: "collections:transition.closed",
  same: "collections:transition.same",
  not_allowed: "collections:transition.not_allowed",
  overdue_balance: "collections:transition.overdue_balance",
} as const;

export type StatusRequest = { status: CaseTarget; promised_date?: string; promised_amount?: string };

/** The case's possible status changes: allowed ones as buttons, the others disabled with the reason. */
export function CaseStatusControl({
  status,
  overdueInvoiceCount,
  disabled,
  onChange,
}: {
  status: CaseStatus;
  overdueInvoiceCount: number;
  disabled?: boolean;
  onChange: (request: StatusRequest) => void;
}) {
  const { t } = useTranslation("collections");
  const [promising, setPromising] = useState(false);
  const [date, setDate] = useState("");
  const [amount, setAmount] = useState("");
  return (
    <Stack gap="xs">
      <Group gap="xs">
        {transitionsFrom(status, overdueInvoiceCount).map((check) => {
          const button = (
            <Button
              key={check.target}
              size="xs"
              variant={check.allowed ? "light" : "default"}
              disabled={!check.allowed || disabled}
              onClick={() =>
                check.target === "promise_to_pay" ? setPromising(true) : onChange({ status: check.target })
              }
            >
              {t(TARGET_LABEL[check.target])}
            </Button>
          );
          return check.reason ? (
            <Tooltip key={check.target} label={t(REASON[check.reason])}>
              <span>{button}</span>
            </Tooltip>
          ) : (
            button
          );
        })}
      </Group>
      {status === "resolved" || status === "written_off" ? (
        <Text size="sm" c="dimmed">
          {t("transition.closed")}
        </Text>
      ) : null}
      {promising && (
        <Group align="flex-end">
          <TextInput
            type="date"
            label={t("case.promised_date")}
            value={date}
            onChange={(e) => setDate(e.currentTarget.value)}
          />
          <TextInput
            label={t("case.promised_amount")}
            value={amount}
            onChange={(e) => setAmount(e.currentTarget.value)}
          />
          <Button
            disabled={!date || !amount}
            onClick={() => {
              onChange({ status: "promise_to_pay", promised_date: date, promised_amount: amount });
              setPromising(false);
            }}
          >
            {t("case.confirm_promise")}
          </Button>
        </Group>
      )}
    </Stack>
  );
}
