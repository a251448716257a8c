import { Anchor, Badge, Button, Group, Stack, Title } from "@mantine/core";
import { useTranslation } from "react-i18next";
import { Link, useNavigate } from "react-router";
import { ListTable } from "@/components/ui/data-table";
import { useBillingRuns } from "@/features/invoices/api/list-billing-runs";
import { can } from "@/lib/authorization";
import { formatDate, formatDateTime, formatMoney } from "@/lib/format";
import { useSession } from "@/lib/session";
import { useListState } from "@/lib/url-state";

const STATUS_LABEL = {
  queued: "invoices:run_status.queued",
  running: "invoices:run_status.running",
  completed: "invoices:run_status.completed",
  failed: "invoices:run_status.failed",
} as const;

export function RunsHistory() {
  const { t, i18n } = useTranslation("invoices");
  const state = useListState({ filters: [] as const, sortable: [] as const });
  const runs = useBillingRuns({ limit: state.limit, offset: state.offset });
  const navigate = useNavigate();
  const session = useSession();
  return (
    <Stack>
      <Group justify="space-between">
        <Title order={1}>{t("runs.title")}</Title>
        {can(session, "billing:write") && (
          <Button component={Link} to="/invoices/runs/new">
            {t("runs.new")}
          </Button>
        )}
      </Group>
      <ListTable
        label={t("runs.title")}
        rows={runs.data?.items}
        total={runs.data?.total}
        fetching={runs.isFetching}
        state={state}
        onRowClick={(run) => void navigate(`/invoices/runs/${run.id}`)}
        columns={[
          {
            accessor: "period_start",
            title: t("runs.period"),
            render: (run) => (
              <Anchor component={Link} to={`/invoices/runs/${run.id}`}>
                {formatDate(run.period_start, i18n.language)} → {formatDate(run.period_end, i18n.language)}
              </Anchor>
            ),
          },
          {
            accessor: "status",
            title: t("runs.status"),
            render: (run) => (
              <Group gap={4}>
                <Badge variant="light">{t(STATUS_LABEL[run.status])}</Badge>
                {run.dry_run && <Badge color="gray">{t("runs.dry")}</Badge>}
              </Group>
            ),
          },
          { accessor: "created_by", title: t("runs.by") },
          {
            accessor: "created_at",
            title: t("runs.when"),
            render: (run) => formatDateTime(run.created_at, i18n.language),
          },
          { accessor: "invoices_count", title: t("runs.invoices"), textAlign: "right" },
          {
            accessor: "total_amount",
            title: t("runs.total"),
            textAlign: "right",
            render: (run) => formatMoney(run.total_amount, i18n.language),
          },
          { accessor: "clients_failed", title: t("runs.parked"), textAlign: "right" },
        ]}
      />
    </Stack>
  );
}
