import { Button, Group, Modal, Stack, Text, TextInput } from "@mantine/core";
import { zodResolver } from "@hookform/resolvers/zod";
import { useEffect } from "react";
import { useForm } from "react-hook-form";
import { useTranslation } from "react-i18next";
import { z } from "zod";
import { notifyError } from "@/components/errors/error-notification";
import {
  useChangeContractStatus,
  type LifecycleAction,
} from "@/features/contracts/api/change-contract-status";
import type { Contract, Suspension } from "@/features/contracts/api/types";
import { contractFieldError, contractLabels, refusalSetError } from "@/features/contracts/labels";
import { ApiError } from "@/lib/api-error";
import { setValidationErrors } from "@/lib/form-errors";
import { formatDate } from "@/lib/format";

type Values = { effective_date: string };

/**
 * The earliest date the backend accepts for an action, the rule that sets it (a message key) and the day
 * the rule starts from (the contract's start, a suspension's first day).
 */
export type EarliestDate = { date: string; since: string; rule: keyof typeof earliestRules };

const earliestRules = {
  suspend_before_start: "lifecycle.earliest.suspend_before_start",
  suspend_before_resume: "lifecycle.earliest.suspend_before_resume",
  resume_not_after_suspension: "lifecycle.earliest.resume_not_after_suspension",
  terminate_before_start: "lifecycle.earliest.terminate_before_start",
  terminate_before_suspension: "lifecycle.earliest.terminate_before_suspension",
};

function addDays(isoDate: string, days: number): string {
  const day = new Date(`${isoDate}T00:00:00Z`);
  day.setUTCDate(day.getUTCDate() + days);
  return day.toISOString().slice(0, 10);
}

/**
 * The backend's date rules for suspend, resume and terminate (contracts/lifecycle.py), known here from the
 * contract and its suspensions so they are told before sending, in the page's language, with the date:
 * the server's own refusal is an English sentence with an ISO date.
 */
export function earliestDate(
  action: LifecycleAction,
  contract: Pick<Contract, "start_date">,
  suspensions: readonly Pick<Suspension, "suspended_from" | "resumed_on">[],
): EarliestDate {
  const latest = [...suspensions].sort((a, b) => b.suspended_from.localeCompare(a.suspended_from))[0];
  if (action === "suspend") {
    if (latest?.resumed_on && latest.resumed_on > contract.start_date)
      return { date: latest.resumed_on, since: latest.resumed_on, rule: "suspend_before_resume" };
    return { date: contract.start_date, since: contract.start_date, rule: "suspend_before_start" };
  }
  if (action === "resume") {
    if (latest && !latest.resumed_on)
      return {
        date: addDays(latest.suspended_from, 1),
        since: latest.suspended_from,
        rule: "resume_not_after_suspension",
      };
    return { date: contract.start_date, since: contract.start_date, rule: "suspend_before_start" };
  }
  const dayBeforeStart = addDays(contract.start_date, -1);
  if (latest && latest.suspended_from > dayBeforeStart)
    return { date: latest.suspended_from, since: latest.suspended_from, rule: "terminate_before_suspension" };
  return { date: dayBeforeStart, since: contract.start_date, rule: "terminate_before_start" };
}

/** The backend refuses a lifecycle date in the future (the change is recorded when it happens) or too early. */
export function lifecycleSchema(today: string, earliest?: EarliestDate) {
  return z.object({
    effective_date: z
      .string()
      .min(1, "validation.required")
      .refine((value) => value <= today, "validation.not_in_future")
      .refine((value) => !earliest || value >= earliest.date, "validation.too_early"),
  });
}

const hints = {
  suspend: "lifecycle.suspend_hint",
  resume: "lifecycle.resume_hint",
  terminate: "lifecycle.terminate_hint",
};

/** Suspend, resume or terminate a contract on a date (today by default, never in the future). */
export function LifecycleDialog({
  contract,
  suspensions = [],
  action,
  today,
  onClose,
  onDone,
}: {
  contract: Contract;
  suspensions?: readonly Suspension[];
  action: LifecycleAction | null;
  today: string;
  onClose: () => void;
  /** After the change is recorded: the button that opened the dialog may be gone. */
  onDone?: () => void;
}) {
  const { t, i18n } = useTranslation(["contracts", "errors"]);
  const change = useChangeContractStatus();
  const earliest = action ? earliestDate(action, contract, suspensions) : undefined;
  const form = useForm<Values>({
    defaultValues: { effective_date: today },
    resolver: zodResolver(lifecycleSchema(today, earliest)),
  });
  // Each opening starts from today: a date typed and cancelled (or refused) earlier is not kept.
  useEffect(() => {
    if (action) form.reset({ effective_date: today });
  }, [action, today, form]);
  const submit = form.handleSubmit((values) => {
    if (!action) return;
    change.mutate(
      { contractId: contract.id, action, effectiveDate: values.effective_date },
      {
        onSuccess: () => {
          form.reset({ effective_date: today });
          onClose();
          onDone?.();
        },
        onError: (error) => {
          const placed =
            error instanceof ApiError &&
            setValidationErrors(error, refusalSetError(error, form.setError), ["effective_date"]);
          if (!placed) notifyError(error, t);
        },
      },
    );
  });
  const dateError = form.formState.errors.effective_date;
  const dateErrorText =
    dateError?.message === "validation.too_early" && earliest
      ? t(`contracts:${earliestRules[earliest.rule]}`, {
          date: formatDate(earliest.date, i18n.language),
          since: formatDate(earliest.since, i18n.language),
        })
      : contractFieldError(t, dateError);
  return (
    <Modal
      opened={action !== null}
      onClose={onClose}
      title={
        action
          ? t("lifecycle.title", {
              action: contractLabels.action(t, action),
              number: contract.contract_number,
            })
          : ""
      }
    >
      {action && (
        <form onSubmit={(event) => void submit(event)} noValidate>
          <Stack>
            <Text size="sm">{t(hints[action])}</Text>
            <TextInput
              type="date"
              label={t("fields.effective_date")}
              required
              min={earliest?.date}
              max={today}
              data-autofocus
              error={dateErrorText}
              {...form.register("effective_date")}
            />
            <Group justify="flex-end">
              <Button variant="default" onClick={onClose}>
                {t("lifecycle.cancel")}
              </Button>
              <Button
                type="submit"
                color={action === "terminate" ? "red.9" : undefined}
                loading={change.isPending}
              >
                {contractLabels.action(t, action)}
              </Button>
            </Group>
          </Stack>
        </form>
      )}
    </Modal>
  );
}
