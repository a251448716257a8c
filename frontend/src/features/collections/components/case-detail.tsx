import {
  Alert,
  Anchor,
  Badge,
  Button,
  Group,
  Paper,
  Select,
  SimpleGrid,
  Stack,
  Table,
  Text,
  TextInput,
  Timeline,
  Title,
} from "@mantine/core";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, useParams } from "react-router";
import { notifyError } from "@/components/errors/error-notification";
import { PageLoader } from "@/components/layouts/page-loader";
import { ClientName } from "@/components/ui/client-name";
import { useChangeCaseStatus } from "@/features/collections/api/change-case-status";
import { useCreateCaseAction, type ActionCreate } from "@/features/collections/api/create-case-action";
import { useCase } from "@/features/collections/api/get-case";
import { useCaseActions } from "@/features/collections/api/list-case-actions";
import { CaseStatusControl } from "@/features/collections/components/case-status-control";
import {
  ACTION_LABEL,
  CASE_STATUS_LABEL,
  INVOICE_STATUS_LABEL,
} from "@/features/collections/components/labels";
import { PaymentForm } from "@/features/collections/components/payment-form";
import { can } from "@/lib/authorization";
import { formatDate, formatDateTime, formatMoney } from "@/lib/format";
import { useSession } from "@/lib/session";

function daysPast(dueDate: string, today: string): number {
  return Math.max(0, Math.round((Date.parse(today) - Date.parse(dueDate)) / 86_400_000));
}

export function CaseDetailPage() {
  const { t, i18n } = useTranslation("collections");
  const lang = i18n.language;
  const { caseId = "" } = useParams();
  const session = useSession();
  const detail = useCase(caseId);
  const actions = useCaseActions(caseId);
  const change = useChangeCaseStatus(caseId);
  const addAction = useCreateCaseAction(caseId);
  const [actionType, setActionType] = useState<ActionCreate["action_type"]>("reminder_sms");
  const [note, setNote] = useState("");
  if (detail.isPending) return <PageLoader />;
  if (detail.isError) return <Alert color="red">{detail.error.message}</Alert>;
  const data = detail.data;
  const canWrite = can(session, "collections:write");
  const closed = data.status === "resolved" || data.status === "written_off";
  const today = new Date().toISOString().slice(0, 10);
  return (
    <Stack>
      <Group justify="space-between">
        <Group>
          <Title order={1}>{t("case.title")}</Title>
          <Badge size="lg" data-testid="case-status">
            {t(CASE_STATUS_LABEL[data.status])}
          </Badge>
        </Group>
        <Anchor component={Link} to="/collections">
          {t("case.back")}
        </Anchor>
      </Group>
      <Paper withBorder p="md" radius="md">
        <SimpleGrid cols={{ base: 2, md: 5 }}>
          <Stack gap={0}>
            <Text size="xs" c="dimmed">
              {t("cases.client")}
            </Text>
            <ClientName clientId={data.client_id} name={data.client_name} />
          </Stack>
          <Stack gap={0}>
            <Text size="xs" c="dimmed">
              {t("cases.total")}
            </Text>
            <Text fw={700} data-testid="case-total">
              {formatMoney(data.total_overdue, lang)}
            </Text>
          </Stack>
          <Stack gap={0}>
            <Text size="xs" c="dimmed">
              {t("cases.days")}
            </Text>
            <Text>{data.days_past_due}</Text>
          </Stack>
          <Stack gap={0}>
            <Text size="xs" c="dimmed">
              {t("cases.bucket")}
            </Text>
            <Text>{data.aging_bucket}</Text>
          </Stack>
          <Stack gap={0}>
            <Text size="xs" c="dimmed">
              {t("cases.opened")}
            </Text>
            <Text>{formatDate(data.opened_on, lang)}</Text>
          </Stack>
        </SimpleGrid>
      </Paper>
      <Table aria-label={t("case.invoices")} withTableBorder>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t("payment.invoice")}</Table.Th>
            <Table.Th>{t("payment.due")}</Table.Th>
            <Table.Th>{t("cases.days")}</Table.Th>
            <Table.Th>{t("cases.status")}</Table.Th>
            <Table.Th ta="right">{t("payment.owed")}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {data.invoices.map((invoice) => (
            <Table.Tr key={invoice.invoice_id}>
              <Table.Td>
                <Anchor component={Link} to={`/invoices/${invoice.invoice_id}`} ff="monospace">
                  {invoice.invoice_number}
                </Anchor>
              </Table.Td>
              <Table.Td>{formatDate(invoice.due_date, lang)}</Table.Td>
              <Table.Td>{invoice.status === "paid" ? "—" : daysPast(invoice.due_date, today)}</Table.Td>
              <Table.Td>{t(INVOICE_STATUS_LABEL[invoice.status])}</Table.Td>
              <Table.Td ta="right">{formatMoney(invoice.outstanding_amount, lang)}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      {canWrite && (
        <Paper withBorder p="md" radius="md">
          <Title order={2} size="h4" mb="sm">
            {t("case.change_status")}
          </Title>
          <CaseStatusControl
            status={data.status}
            overdueInvoiceCount={data.overdue_invoice_count}
            disabled={change.isPending}
            onChange={(request) => change.mutate(request, { onError: (error) => notifyError(error, t) })}
          />
        </Paper>
      )}
      {/* Side by side only on wide screens: the payment form's allocation table needs half of a 1920 px page. */}
      <SimpleGrid cols={{ base: 1, xl: 2 }}>
        <Paper withBorder p="md" radius="md">
          <Title order={2} size="h4" mb="sm">
            {t("case.actions")}
          </Title>
          {canWrite && !closed && (
            <Group align="flex-end" mb="md">
              <Select
                label={t("case.action_type")}
                value={actionType}
                allowDeselect={false}
                onChange={(value) => value && setActionType(value as ActionCreate["action_type"])}
                data={Object.entries(ACTION_LABEL).map(([value, key]) => ({ value, label: t(key) }))}
              />
              <TextInput
                label={t("case.note")}
                value={note}
                onChange={(e) => setNote(e.currentTarget.value)}
              />
              <Button
                loading={addAction.isPending}
                onClick={() =>
                  addAction.mutate(
                    { action_type: actionType, note: note || null },
                    { onSuccess: () => setNote(""), onError: (error) => notifyError(error, t) },
                  )
                }
              >
                {t("case.add_action")}
              </Button>
            </Group>
          )}
          <Timeline bulletSize={14} lineWidth={2}>
            {(actions.data?.items ?? []).map((action) => (
              <Timeline.Item key={action.id} title={t(ACTION_LABEL[action.action_type])}>
                <Text size="xs" c="dimmed">
                  {formatDateTime(action.created_at, lang)} ·{" "}
                  {action.origin === "dunning_policy" ? t("case.automatic") : action.actor}
                </Text>
                {/* The policy's own note is a fixed English sentence with the action's code: say it in words. */}
                {action.origin === "dunning_policy" && action.days_past_due !== null ? (
                  <Text size="sm">{t("case.policy_note", { days: action.days_past_due })}</Text>
                ) : (
                  action.note && <Text size="sm">{action.note}</Text>
                )}
              </Timeline.Item>
            ))}
          </Timeline>
        </Paper>
        {canWrite && !closed && (
          <PaymentForm clientId={data.client_id} onRecorded={() => void detail.refetch()} />
        )}
      </SimpleGrid>
    </Stack>
  );
}
