import { Button, Group, NumberInput, Paper, Select, Stack, Switch, Text, Title } from "@mantine/core";
import { DatePickerInput, MonthPickerInput } from "@mantine/dates";
import dayjs from "dayjs";
import { useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { notifyError } from "@/components/errors/error-notification";
import {
  useCreateBillingRun,
  type BillingRunCreate,
  type BillingRunDetail,
} from "@/features/invoices/api/create-billing-run";
import { useTaxRates } from "@/features/invoices/api/get-tax-rates";
import { ApiError } from "@/lib/api-error";

const ISO = "YYYY-MM-DD";

/** The previous calendar month, the usual period of a monthly run. */
function lastMonth(): [string, string] {
  const start = dayjs().subtract(1, "month").startOf("month");
  return [start.format(ISO), start.endOf("month").format(ISO)];
}

/**
 * Start a billing run. The Idempotency-Key is drawn once per distinct request and kept across retries and
 * double clicks, so a retry after a lost answer finds the run already started instead of starting another;
 * changing any field means a new request and a new key.
 */
export function BillingRunForm({
  onStarted,
  initial,
}: {
  onStarted: (run: BillingRunDetail) => void;
  initial?: Partial<BillingRunCreate>;
}) {
  const { t } = useTranslation("invoices");
  const [defaultStart, defaultEnd] = lastMonth();
  const [periodStart, setPeriodStart] = useState<string>(initial?.period_start ?? defaultStart);
  const [periodEnd, setPeriodEnd] = useState<string>(initial?.period_end ?? defaultEnd);
  const [dueDays, setDueDays] = useState<number>(initial?.due_days ?? 15);
  const [taxRate, setTaxRate] = useState<string | null>(initial?.tax_rate ?? null);
  const [dryRun, setDryRun] = useState<boolean>(initial?.dry_run ?? false);
  const [fieldError, setFieldError] = useState<Record<string, string>>({});
  const rates = useTaxRates();
  const create = useCreateBillingRun();
  const key = useRef<{ payload: string; key: string } | null>(null);

  const chosenRate = taxRate ?? rates.data?.[0] ?? null;
  const body: BillingRunCreate = {
    period_start: periodStart,
    period_end: periodEnd,
    due_days: dueDays,
    tax_rate: chosenRate ?? "0.20",
    dry_run: dryRun,
  };
  const ordered = periodEnd >= periodStart;

  function idempotencyKey(): string {
    const payload = JSON.stringify(body);
    if (key.current?.payload !== payload) key.current = { payload, key: crypto.randomUUID() };
    return key.current.key;
  }

  function submit() {
    if (create.isPending) return;
    setFieldError({});
    create.mutate(
      { body, idempotencyKey: idempotencyKey() },
      {
        onSuccess: (run) => {
          key.current = null;
          onStarted(run);
        },
        onError: (error) => {
          if (error instanceof ApiError && error.status === 422) {
            const fields: Record<string, string> = {};
            for (const [path, detail] of error.fieldErrors()) fields[path] = detail.msg ?? error.message;
            if (Object.keys(fields).length > 0) {
              setFieldError(fields);
              return;
            }
          }
          notifyError(error, t);
        },
      },
    );
  }

  return (
    <Paper withBorder p="lg" radius="md">
      <Stack
        component="form"
        gap="md"
        aria-label={t("run_form.title")}
        onSubmit={(event) => {
          event.preventDefault();
          submit();
        }}
      >
        <Title order={2} size="h3">
          {t("run_form.title")}
        </Title>
        <MonthPickerInput
          label={t("run_form.month")}
          description={t("run_form.month_help")}
          value={periodStart}
          onChange={(value) => {
            if (!value) return;
            const month = dayjs(value);
            setPeriodStart(month.startOf("month").format(ISO));
            setPeriodEnd(month.endOf("month").format(ISO));
          }}
        />
        <Group grow align="flex-start">
          <DatePickerInput
            label={t("run_form.period_start")}
            value={periodStart}
            onChange={(value) => value && setPeriodStart(dayjs(value).format(ISO))}
            error={fieldError.period_start}
          />
          <DatePickerInput
            label={t("run_form.period_end")}
            value={periodEnd}
            onChange={(value) => value && setPeriodEnd(dayjs(value).format(ISO))}
            error={fieldError.period_end ?? (ordered ? undefined : t("run_form.period_order"))}
          />
        </Group>
        <Group grow align="flex-start">
          <NumberInput
            label={t("run_form.due_days")}
            min={0}
            max={365}
            allowDecimal={false}
            value={dueDays}
            onChange={(value) => setDueDays(typeof value === "number" ? value : Number(value) || 0)}
            error={fieldError.due_days}
          />
          <Select
            label={t("run_form.tax_rate")}
            description={t("run_form.tax_rate_help")}
            data={(rates.data ?? []).map((rate) => ({
              value: rate,
              label: `${(Number(rate) * 100).toLocaleString("fr-FR")} %`,
            }))}
            value={chosenRate}
            onChange={setTaxRate}
            allowDeselect={false}
            disabled={!rates.data}
            error={fieldError.tax_rate}
          />
        </Group>
        <Switch
          label={t("run_form.dry_run")}
          description={t("run_form.dry_run_help")}
          checked={dryRun}
          onChange={(event) => setDryRun(event.currentTarget.checked)}
        />
        <Group justify="space-between">
          <Text size="sm" c="dimmed">
            {t("run_form.summary", { start: periodStart, end: periodEnd })}
          </Text>
          <Button type="submit" loading={create.isPending} disabled={!ordered || !chosenRate}>
            {dryRun ? t("run_form.submit_dry") : t("run_form.submit")}
          </Button>
        </Group>
      </Stack>
    </Paper>
  );
}
