import { Alert, Anchor, Button, Group, Stack, Title } from "@mantine/core";
import { modals } from "@mantine/modals";
import { useTranslation } from "react-i18next";
import { Link, useNavigate, useParams } from "react-router";
import { notifyError } from "@/components/errors/error-notification";
import { PageLoader } from "@/components/layouts/page-loader";
import { useDiscardBillingRun } from "@/features/invoices/api/discard-billing-run";
import { useBillingRun } from "@/features/invoices/api/get-billing-run";
import { RunProgress } from "@/features/invoices/components/run-progress";
import { InvoicesTable } from "@/features/invoices/components/invoices-table";
import { can } from "@/lib/authorization";
import { formatDate } from "@/lib/format";
import { useSession } from "@/lib/session";

/** One run: live progress while it works, then its invoices; a dry run can be discarded or made real. */
export function RunPage() {
  const { t, i18n } = useTranslation("invoices");
  const { runId = "" } = useParams();
  const run = useBillingRun(runId);
  const discard = useDiscardBillingRun(runId);
  const navigate = useNavigate();
  const session = useSession();
  if (run.isPending) return <PageLoader />;
  if (run.isError) return <Alert color="red">{run.error.message}</Alert>;
  const data = run.data;
  const canWrite = can(session, "billing:write");
  const dryFinished = data.dry_run && data.status === "completed" && !data.discarded_at;
  return (
    <Stack>
      <Group justify="space-between">
        <Title order={1}>
          {t("run.title", {
            start: formatDate(data.period_start, i18n.language),
            end: formatDate(data.period_end, i18n.language),
          })}
        </Title>
        <Anchor component={Link} to="/invoices/runs">
          {t("run.back")}
        </Anchor>
      </Group>
      <RunProgress run={data} />
      {data.discarded_at && <Alert color="gray">{t("run.discarded")}</Alert>}
      {dryFinished && canWrite && (
        <Group>
          <Button
            color="red"
            variant="light"
            loading={discard.isPending}
            onClick={() =>
              modals.openConfirmModal({
                title: t("run.discard"),
                children: t("run.discard_confirm"),
                labels: { confirm: t("run.discard"), cancel: t("run.cancel") },
                confirmProps: { color: "red.9" },
                onConfirm: () => discard.mutate(undefined, { onError: (error) => notifyError(error, t) }),
              })
            }
          >
            {t("run.discard")}
          </Button>
          <Button
            onClick={() =>
              void navigate(
                `/invoices/runs/new?period_start=${data.period_start}&period_end=${data.period_end}&due_days=${data.due_days}&tax_rate=${data.tax_rate}`,
              )
            }
          >
            {t("run.make_real")}
          </Button>
        </Group>
      )}
      {data.status === "completed" && !data.discarded_at && (
        <Stack gap="xs">
          <Title order={2} size="h3">
            {data.dry_run ? t("run.drafts") : t("run.invoices")}
          </Title>
          <InvoicesTable fixedFilters={{ run_id: runId }} showFilters={false} />
        </Stack>
      )}
    </Stack>
  );
}
