import { Stack, Title } from "@mantine/core";
import { useTranslation } from "react-i18next";
import { useNavigate, useSearchParams } from "react-router";
import { BillingRunForm } from "@/features/invoices/components/billing-run-form";

export function NewRunPage() {
  const { t } = useTranslation("invoices");
  const navigate = useNavigate();
  const [params] = useSearchParams();
  // "Turn into a real run" comes here with the dry run's terms.
  const initial = params.get("period_start")
    ? {
        period_start: params.get("period_start") ?? undefined,
        period_end: params.get("period_end") ?? undefined,
        due_days: Number(params.get("due_days") ?? 15),
        tax_rate: params.get("tax_rate") ?? undefined,
        dry_run: false,
      }
    : undefined;
  return (
    <Stack maw={720}>
      <Title order={1}>{t("run_form.page_title")}</Title>
      <BillingRunForm initial={initial} onStarted={(run) => void navigate(`/invoices/runs/${run.id}`)} />
    </Stack>
  );
}
