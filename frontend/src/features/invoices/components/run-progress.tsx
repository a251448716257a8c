import { Alert, Badge, Group, Paper, Progress, SimpleGrid, Stack, Table, Text, Title } from "@mantine/core";
import { useTranslation } from "react-i18next";
import type { BillingRunDetail } from "@/features/invoices/api/create-billing-run";
import { formatCount, formatDateTime, formatMoney } from "@/lib/format";

const STATUS_COLOR = { queued: "gray", running: "blue", completed: "green", failed: "red" } as const;
const STATUS_LABEL = {
  queued: "invoices:run_status.queued",
  running: "invoices:run_status.running",
  completed: "invoices:run_status.completed",
  failed: "invoices:run_status.failed",
} as const;

function Figure({ label, value, testId }: { label: string; value: string; testId: string }) {
  return (
    <Stack gap={2}>
      <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
        {label}
      </Text>
      <Text fw={700} size="lg" data-testid={testId}>
        {value}
      </Text>
    </Stack>
  );
}

/** Live state of a run: invoicing progress, then the completion summary and PDF rendering progress. */
export function RunProgress({ run }: { run: BillingRunDetail }) {
  const { t, i18n } = useTranslation("invoices");
  const lang = i18n.language;
  const working = run.status === "queued" || run.status === "running";
  const pdfTotal = run.invoices_count;
  const pdfPercent = pdfTotal > 0 ? Math.min(100, Math.floor((run.pdfs_rendered * 100) / pdfTotal)) : 100;
  return (
    <Paper withBorder p="lg" radius="md">
      <Stack gap="md">
        <Group justify="space-between">
          <Title order={2} size="h3">
            {run.dry_run ? t("progress.title_dry") : t("progress.title")}
          </Title>
          <Badge color={STATUS_COLOR[run.status]} variant="light" size="lg" data-testid="run-status">
            {t(STATUS_LABEL[run.status])}
          </Badge>
        </Group>
        <Stack gap={4}>
          {/* The ARIA names go on the section (role progressbar), not on the root div axe refuses them on. */}
          <Progress.Root size="xl">
            <Progress.Section
              value={run.progress.percent}
              animated={working}
              aria-label={t("progress.clients_bar")}
              aria-valuetext={t("progress.clients", {
                processed: run.progress.processed,
                total: run.progress.total,
              })}
            />
          </Progress.Root>
          <Text size="sm" data-testid="run-clients">
            {t("progress.clients", {
              processed: formatCount(run.progress.processed, lang),
              total: formatCount(run.progress.total, lang),
            })}{" "}
            · {run.progress.percent} %
          </Text>
        </Stack>
        <SimpleGrid cols={{ base: 2, md: 5 }}>
          <Figure
            label={t("progress.invoices")}
            value={formatCount(run.invoices_count, lang)}
            testId="run-invoices"
          />
          <Figure label={t("progress.lines")} value={formatCount(run.lines_count, lang)} testId="run-lines" />
          <Figure
            label={t("progress.amount")}
            value={formatMoney(run.total_amount, lang)}
            testId="run-amount"
          />
          <Figure
            label={t("progress.chunks")}
            value={`${run.chunks_done} / ${run.chunks_total}`}
            testId="run-chunks"
          />
          <Figure
            label={t("progress.parked")}
            value={formatCount(run.clients_failed, lang)}
            testId="run-parked"
          />
        </SimpleGrid>
        {run.status === "failed" && (
          <Alert color="red" title={t("progress.failed")}>
            {run.error}
          </Alert>
        )}
        {run.status === "completed" && (
          <Alert color="green" title={t("progress.completed")} data-testid="run-summary">
            {t("progress.summary", {
              invoices: formatCount(run.invoices_count, lang),
              lines: formatCount(run.lines_count, lang),
              total: formatMoney(run.total_amount, lang),
              seconds: run.invoicing_seconds ?? 0,
            })}
          </Alert>
        )}
        {run.status === "completed" && !run.dry_run && pdfTotal > 0 && (
          <Stack gap={4}>
            <Text size="sm" fw={600}>
              {t("progress.pdfs")}
            </Text>
            <Progress.Root>
              <Progress.Section
                value={pdfPercent}
                color="teal"
                animated={!run.pdfs_ready}
                aria-label={t("progress.pdfs")}
                aria-valuetext={t("progress.pdfs_count", {
                  rendered: formatCount(run.pdfs_rendered, lang),
                  total: formatCount(pdfTotal, lang),
                })}
              />
            </Progress.Root>
            <Text size="sm" data-testid="run-pdfs">
              {run.pdfs_ready
                ? t("progress.pdfs_ready", { at: formatDateTime(run.pdfs_finished_at, lang) })
                : t("progress.pdfs_count", {
                    rendered: formatCount(run.pdfs_rendered, lang),
                    total: formatCount(pdfTotal, lang),
                  })}
            </Text>
          </Stack>
        )}
        {(run.failed_clients ?? []).length > 0 && (
          <Stack gap={4}>
            <Text fw={600}>{t("progress.parked_list")}</Text>
            <Table aria-label={t("progress.parked_list")}>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t("progress.client")}</Table.Th>
                  <Table.Th>{t("progress.reason")}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {(run.failed_clients ?? []).map((failure) => (
                  <Table.Tr key={failure.client_id}>
                    <Table.Td ff="monospace">{failure.client_id}</Table.Td>
                    <Table.Td>{failure.reason}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Stack>
        )}
      </Stack>
    </Paper>
  );
}
