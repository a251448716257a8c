import { Button, Group, Modal, Stack, Text, TextInput } from "@mantine/core";
import { zodResolver } from "@hookform/resolvers/zod";
import { useForm } from "react-hook-form";
import { useTranslation } from "react-i18next";
import { z } from "zod";
import { notifyError } from "@/components/errors/error-notification";
import {
  useChangeContractStatus,
  type LifecycleAction,
} from "@/features/contracts/api/change-contract-status";
import type { Contract } from "@/features/contracts/api/types";
import { contractFieldError, contractLabels } from "@/features/contracts/labels";
import { ApiError } from "@/lib/api-error";
import { setValidationErrors } from "@/lib/form-errors";

type Values = { effective_date: string };

/** The backend refuses a lifecycle date in the future: the change is recorded when it happens. */
export function lifecycleSchema(today: string) {
  return z.object({
    effective_date: z
      .string()
      .min(1, "validation.required")
      .refine((value) => value <= today, "validation.not_in_future"),
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
  action,
  today,
  onClose,
}: {
  contract: Contract;
  action: LifecycleAction | null;
  today: string;
  onClose: () => void;
}) {
  const { t } = useTranslation(["contracts", "errors"]);
  const change = useChangeContractStatus();
  const form = useForm<Values>({
    defaultValues: { effective_date: today },
    resolver: zodResolver(lifecycleSchema(today)),
  });
  const submit = form.handleSubmit((values) => {
    if (!action) return;
    change.mutate(
      { contractId: contract.id, action, effectiveDate: values.effective_date },
      {
        onSuccess: () => {
          form.reset({ effective_date: today });
          onClose();
        },
        onError: (error) => {
          const placed =
            error instanceof ApiError && setValidationErrors(error, form.setError, ["effective_date"]);
          if (!placed) notifyError(error, t);
        },
      },
    );
  });
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
              max={today}
              data-autofocus
              error={contractFieldError(t, form.formState.errors.effective_date)}
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
