import { Anchor, Paper, SimpleGrid, Stack, Title } from "@mantine/core";
import { lazy, Suspense } from "react";
import { useTranslation } from "react-i18next";
import { FigureCard, FigureGrid } from "@/components/ui/figure-card";
import { useDelinquentClients } from "@/features/collections/api/get-delinquent-clients";
import { useCollectionsOverview } from "@/features/collections/api/get-overview";
import { formatMoney, formatPercent } from "@/lib/format";

const AgingChart = lazy(async () => ({
  default: (await import("@/features/collections/components/aging-chart")).AgingChart,
}));

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
  const rate = formatPercent(data.collection_rate, lang);
  const chart = data.overdue_by_aging_bucket.map((row) => ({
    bucket: row.bucket,
    amount: Number(row.amount),
    count: row.count,
  }));
  return (
    <Stack>
      <FigureGrid>
        <FigureCard
          label={t("overview.outstanding")}
          value={formatMoney(data.total_outstanding, lang)}
          to="/invoices?status=issued"
        />
        <FigureCard
          label={t("overview.overdue")}
          value={formatMoney(data.overdue_total, lang)}
          to="/invoices?status=overdue"
        />
        <FigureCard
          label={t("overview.collected")}
          value={formatMoney(data.payments_collected.amount, lang)}
          to="/invoices?status=paid"
        />
        <FigureCard label={t("overview.rate")} value={rate} to="/invoices" />
        <FigureCard label={t("overview.open_cases")} value={String(open)} to="/collections?status=open" />
        <FigureCard
          label={t("overview.delinquent")}
          value={delinquent.data === undefined ? "—" : String(delinquent.data)}
          to="/clients?status=delinquent"
        />
      </FigureGrid>
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
