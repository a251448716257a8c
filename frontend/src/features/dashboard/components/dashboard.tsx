// The charts library needs its own styles (Mantine docs); loaded with this chunk only.
import "@mantine/charts/styles.layer.css";
import { DonutChart } from "@mantine/charts";
import { Anchor, Badge, Group, Paper, SimpleGrid, Stack, Table, Text, Title } from "@mantine/core";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { auditLabels } from "@/components/ui/audit-labels";
import { FigureCard, FigureGrid } from "@/components/ui/figure-card";
import { PageLoader } from "@/components/layouts/page-loader";
import { useDashboard } from "@/features/dashboard/api/get-dashboard";
import { useRecentActivity } from "@/features/dashboard/api/list-recent-activity";
import { can } from "@/lib/authorization";
import { formatDate, formatDateTime, formatMoney } from "@/lib/format";
import { useSession } from "@/lib/session";

const CATEGORY_LABEL = {
  mobile: "dashboard:category.mobile",
  internet: "dashboard:category.internet",
  landline: "dashboard:category.landline",
} as const;
const RUN_STATUS_LABEL = {
  queued: "dashboard:run_status.queued",
  running: "dashboard:run_status.running",
  completed: "dashboard:run_status.completed",
  failed: "dashboard:run_status.failed",
} as const;
const CATEGORY_COLOR = { mobile: "brand.8", internet: "teal.8", landline: "grape.8" } as const;

/** The operator's day at a glance; every figure links to the list behind it. */
export function Dashboard() {
  const { t, i18n } = useTranslation("dashboard");
  const lang = i18n.language;
  const session = useSession();
  const dashboard = useDashboard();
  const activity = useRecentActivity(can(session, "audit:read"));
  if (dashboard.isPending) return <PageLoader />;
  if (dashboard.isError) return <Text role="alert">{dashboard.error.message}</Text>;
  const d = dashboard.data;
  const run = d.last_billing_run;
  return (
    <Stack>
      <Title order={1}>{t("title")}</Title>
      <FigureGrid>
        <FigureCard
          label={t("active_clients")}
          value={String(d.active_clients)}
          to="/clients"
          testId="dash-clients"
        />
        <FigureCard
          label={t("mrr")}
          value={formatMoney(d.monthly_recurring_revenue, lang)}
          to="/contracts"
          testId="dash-mrr"
        />
        <FigureCard
          label={t("invoiced")}
          value={formatMoney(d.invoiced_this_month, lang)}
          to="/invoices"
          testId="dash-invoiced"
        />
        <FigureCard
          label={t("collected")}
          value={formatMoney(d.collected_this_month, lang)}
          to="/collections"
          testId="dash-collected"
        />
        <FigureCard
          label={t("overdue")}
          value={formatMoney(d.overdue_total, lang)}
          to="/invoices?status=overdue"
          testId="dash-overdue"
        />
        <FigureCard
          label={t("open_cases")}
          value={String(d.open_cases)}
          to="/collections"
          testId="dash-cases"
        />
      </FigureGrid>
      <SimpleGrid cols={{ base: 1, md: 2 }}>
        <Paper withBorder p="md" radius="md">
          <Title order={2} size="h4" mb="sm">
            {t("by_category")}
          </Title>
          <Group align="center" wrap="nowrap">
            <DonutChart
              size={140}
              thickness={24}
              data={d.by_category.map((row) => ({
                name: t(CATEGORY_LABEL[row.category]),
                value: row.active_contracts,
                color: CATEGORY_COLOR[row.category],
              }))}
            />
            <Table aria-label={t("by_category")}>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t("category_col")}</Table.Th>
                  <Table.Th ta="right">{t("contracts")}</Table.Th>
                  <Table.Th ta="right">{t("mrr")}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {d.by_category.map((row) => (
                  <Table.Tr key={row.category}>
                    <Table.Td>
                      <Anchor component={Link} to={`/contracts?category=${row.category}`}>
                        {t(CATEGORY_LABEL[row.category])}
                      </Anchor>
                    </Table.Td>
                    <Table.Td ta="right">{row.active_contracts}</Table.Td>
                    <Table.Td ta="right">{formatMoney(row.monthly_recurring_revenue, lang)}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Group>
        </Paper>
        <Paper withBorder p="md" radius="md">
          <Title order={2} size="h4" mb="sm">
            {t("last_run")}
          </Title>
          {run ? (
            <Stack gap={4}>
              <Anchor component={Link} to={`/invoices/runs/${run.id}`}>
                {formatDate(run.period_start, lang)} → {formatDate(run.period_end, lang)}
              </Anchor>
              <Group gap="xs">
                <Badge variant="light">
                  {run.status in RUN_STATUS_LABEL
                    ? t(RUN_STATUS_LABEL[run.status as keyof typeof RUN_STATUS_LABEL])
                    : run.status}
                </Badge>
                {run.dry_run && <Badge color="gray">{t("dry_run")}</Badge>}
              </Group>
              <Text size="sm">
                {t("run_figures", {
                  invoices: run.invoices_count,
                  total: formatMoney(run.total_amount, lang),
                })}
              </Text>
              <Text size="xs" c="dimmed">
                {formatDateTime(run.created_at, lang)} · {run.created_by}
              </Text>
            </Stack>
          ) : (
            <Text c="dimmed">{t("no_run")}</Text>
          )}
        </Paper>
      </SimpleGrid>
      <Paper withBorder p="md" radius="md">
        <Title order={2} size="h4" mb="sm">
          {t("activity")}
        </Title>
        {!can(session, "audit:read") ? (
          <Text c="dimmed">{t("activity_not_allowed")}</Text>
        ) : (
          <Table aria-label={t("activity")}>
            <Table.Tbody>
              {(activity.data?.items ?? []).map((event) => (
                <Table.Tr key={event.id}>
                  <Table.Td>{formatDateTime(event.occurred_at, lang)}</Table.Td>
                  <Table.Td>
                    {event.actor} ({auditLabels.role(t, event.role)})
                  </Table.Td>
                  <Table.Td>{auditLabels.action(t, event.action)}</Table.Td>
                  <Table.Td>{auditLabels.entity(t, event.entity_type)}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
      </Paper>
    </Stack>
  );
}
