import { Anchor, Paper, SimpleGrid, Stack, Text, Title } from "@mantine/core";
import { lazy, Suspense } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { useDelinquentClients } from "@/features/collections/api/get-delinquent-clients";
import { useCollectionsOverview } from "@/features/collections/api/get-overview";
import { formatMoney } from "@/lib/format";

const AgingChart = lazy(async () => ({
  default: (await import("@/features/collections/components/aging-chart")).AgingChart,
}));

function Figure({ label, value, to }: { label: string; value: string; to: string }) {
  return (
    <Paper withBorder p="md" radius="md">
      <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
        {label}
      </Text>
      <Anchor component={Link} to={to} fw={700} size="xl">
        {value}
      </Anchor>
    </Paper>
  );
}

/** Key collection figures and the overdue amounts by aging bucket; a bucket click filters the cases table. */
export function CollectionsOverviewPanel({ onBucket }: { onBucket: (bucket: string) => void }) {
  const { t, i18n } = useTranslation("collections");
  const lang = i18n.language;
  const overview = useCollectionsOverview();
  const delinquent = useDelinquentClients();
  if (!overview.data) return null;
  const data = overview.data;
  const open =
    (data.cases_by_status.open ?? 0) +
    (data.cases_by_status.in_progress ?? 0) +
    (data.cases_by_status.promise_to_pay ?? 0);
  const rate =
    data.collection_rate === null || data.collection_rate === undefined
      ? "—"
      : `${(Number(data.collection_rate) * 100).toFixed(1)} %`;
  const chart = data.overdue_by_aging_bucket.map((row) => ({
    bucket: row.bucket,
    amount: Number(row.amount),
    count: row.count,
  }));
  return (
    <Stack>
      <SimpleGrid cols={{ base: 2, md: 3, xl: 6 }}>
        <Figure
          label={t("overview.outstanding")}
          value={formatMoney(data.total_outstanding, lang)}
          to="/invoices?status=issued"
        />
        <Figure
          label={t("overview.overdue")}
          value={formatMoney(data.overdue_total, lang)}
          to="/invoices?status=overdue"
        />
        <Figure
          label={t("overview.collected")}
          value={formatMoney(data.payments_collected.amount, lang)}
          to="/invoices?status=paid"
        />
        <Figure label={t("overview.rate")} value={rate} to="/invoices" />
        <Figure label={t("overview.open_cases")} value={String(open)} to="/collections?status=open" />
        <Figure
          label={t("overview.delinquent")}
          value={delinquent.data === undefined ? "—" : String(delinquent.data)}
          to="/clients?status=delinquent"
        />
      </SimpleGrid>
      <Paper withBorder p="md" radius="md">
        <Title order={2} size="h4" mb="sm">
          {t("overview.aging")}
        </Title>
        <Suspense fallback={<div style={{ height: 220 }} />}>
          <AgingChart
            data={chart}
            label={t("overview.amount")}
            format={(value) => formatMoney(value.toFixed(2), lang)}
            onBucket={onBucket}
          />
        </Suspense>
        <SimpleGrid cols={4} mt="sm">
          {data.overdue_by_aging_bucket.map((row) => (
            <Anchor
              key={row.bucket}
              component="button"
              type="button"
              onClick={() => onBucket(row.bucket)}
              size="sm"
              data-testid={`bucket-${row.bucket}`}
            >
              {t("overview.bucket", {
                bucket: row.bucket,
                count: row.count,
                amount: formatMoney(row.amount, lang),
              })}
            </Anchor>
          ))}
        </SimpleGrid>
      </Paper>
    </Stack>
  );
}
