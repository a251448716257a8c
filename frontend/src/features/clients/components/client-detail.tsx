import {
  Alert,
  Anchor,
  Button,
  Card,
  Group,
  List,
  Loader,
  SimpleGrid,
  Stack,
  Table,
  Tabs,
  Text,
  Timeline,
  Title,
  Tooltip,
} from "@mantine/core";
import { modals } from "@mantine/modals";
import { notifications } from "@mantine/notifications";
import { useState } from "react";
import type { TFunction } from "i18next";
import { useTranslation } from "react-i18next";
import { Link, useNavigate, useSearchParams } from "react-router";
import { auditLabels } from "@/components/ui/audit-labels";
import { EmailAddress, LabelledValue } from "@/components/ui/labelled-value";
import { errorMessage, notifyError } from "@/components/errors/error-notification";
import { paths } from "@/config/paths";
import {
  useClientAudit,
  useClientCollectionCases,
  useClientContracts,
  useClientInvoices,
  useClientPayments,
} from "@/features/clients/api/client-history";
import { useAnonymiseClient } from "@/features/clients/api/anonymise-client";
import { useClient } from "@/features/clients/api/get-client";
import { useDeleteClient, useUpdateClient, type ClientRead } from "@/features/clients/api/save-client";
import { StatusBadge } from "@/features/clients/components/status-badge";
import { ApiError } from "@/lib/api-error";
import { can } from "@/lib/authorization";
import { formatDate, formatDateTime, formatMoney, formatPhone } from "@/lib/format";
import { useSession } from "@/lib/session";

/** The line of detail an audit event carries, where its title alone does not say enough. */
function AuditDetail({ line }: { line: string | null }) {
  return line ? <Text size="sm">{line}</Text> : null;
}

/**
 * A status, service or payment method in words, from the namespace that owns that vocabulary; a value
 * the texts do not know yet (a newer API) shows as sent rather than as a missing key.
 */
function word(t: TFunction, family: string, value: string) {
  return t(`${family}.${value}`, { defaultValue: value });
}

function Section({
  loading,
  empty,
  children,
}: {
  loading: boolean;
  empty: boolean;
  children: React.ReactNode;
}) {
  const { t } = useTranslation();
  if (loading) return <Loader size="sm" aria-label={t("loading")} />;
  if (empty) return <Text c="dimmed">{t("table.empty")}</Text>;
  return children;
}

/** Why anonymising is not offered now, or null when it is. */
function anonymiseBlocker(client: ClientRead, admin: boolean): string | null {
  if (client.anonymised_at) return "delete.anonymise_already";
  if (!admin) return "delete.anonymise_admin_only";
  if (client.status !== "terminated") return "delete.anonymise_terminate_first";
  return null;
}

/**
 * Why a delete was refused (409 client_delete_blocked) and what to do instead: terminate the client, then
 * (an administrator, once nothing is left to settle) anonymise them.
 */
export function DeleteBlocked({
  error,
  client,
  admin,
  onTerminate,
  onAnonymise,
  terminating = false,
  anonymising = false,
}: {
  error: ApiError;
  client: ClientRead;
  admin: boolean;
  onTerminate: () => void;
  onAnonymise: () => void;
  terminating?: boolean;
  anonymising?: boolean;
}) {
  const { t } = useTranslation("clients");
  const history = error.details
    .map((detail) => [detail.kind, detail.msg, detail.type].find((value) => typeof value === "string") ?? "")
    .filter(Boolean);
  const blocker = anonymiseBlocker(client, admin);
  return (
    <Alert color="orange" title={t("delete.blocked_title")} role="alert">
      <Stack gap="xs">
        <Text size="sm">{t("delete.blocked_body")}</Text>
        {history.length > 0 && (
          <List size="sm">
            {history.map((kind) => (
              <List.Item key={kind}>{t(`delete.history.${kind}`, { defaultValue: kind })}</List.Item>
            ))}
          </List>
        )}
        <Text size="sm">{t("delete.alternatives")}</Text>
        <Group>
          <Button
            size="xs"
            variant="light"
            color="orange"
            onClick={onTerminate}
            loading={terminating}
            disabled={client.status === "terminated"}
          >
            {t("actions.terminate")}
          </Button>
          {/* Disabled with its reason rather than hidden: the operator sees the way forward. */}
          <Tooltip label={blocker ? t(blocker) : ""} disabled={!blocker}>
            <Button
              size="xs"
              variant="default"
              onClick={onAnonymise}
              loading={anonymising}
              disabled={blocker !== null}
              aria-description={blocker ? t(blocker) : undefined}
            >
              {t("actions.anonymise")}
            </Button>
          </Tooltip>
        </Group>
      </Stack>
    </Alert>
  );
}

const HISTORY_TABS = ["contracts", "invoices", "payments", "collections", "audit"] as const;

/** Under a tab that shows the latest rows only: the way to the full list, filtered on this client. */
function MoreOnTheList({
  shown,
  total,
  to,
  label,
}: {
  shown: number;
  total: number;
  to: string;
  label: string;
}) {
  if (total <= shown) return null;
  return (
    <Anchor component={Link} to={to} size="sm" mt="xs" display="inline-block">
      {label}
    </Anchor>
  );
}

export function ClientDetail({ clientId }: { clientId: string }) {
  // The open tab is in the address, so Back from an invoice or a case returns to the tab it was opened from.
  const [searchParams, setSearchParams] = useSearchParams();
  const tab = HISTORY_TABS.find((name) => name === searchParams.get("tab")) ?? "contracts";
  const { t, i18n } = useTranslation(["clients", "common", "errors", "contracts", "invoices", "collections"]);
  const language = i18n.language;
  const navigate = useNavigate();
  const session = useSession();
  const client = useClient(clientId);
  const contracts = useClientContracts(clientId);
  const invoices = useClientInvoices(clientId, can(session, "invoices:read"));
  const payments = useClientPayments(clientId, can(session, "payments:read"));
  const cases = useClientCollectionCases(clientId, can(session, "collections:read"));
  const audit = useClientAudit(clientId, can(session, "audit:read"));
  const remove = useDeleteClient(clientId);
  const update = useUpdateClient(clientId);
  const anonymise = useAnonymiseClient(clientId);
  const [blocked, setBlocked] = useState<ApiError | null>(null);
  const writer = can(session, "clients:write");

  if (client.isPending) return <Loader aria-label={t("common:loading")} />;
  if (client.isError) return <Alert color="red">{errorMessage(client.error, t)}</Alert>;
  const record = client.data;

  const terminate = () =>
    update.mutate(
      { status: "terminated" },
      {
        // The refusal stays on screen: once terminated, anonymising is the next step it offers.
        onSuccess: () => {
          notifications.show({ color: "green", message: t("clients:terminated") });
        },
        onError: (error) => notifyError(error, t),
      },
    );

  const confirmAnonymise = () =>
    modals.openConfirmModal({
      title: t("clients:delete.anonymise_confirm_title", { name: record.display_name }),
      children: <Text size="sm">{t("clients:delete.anonymise_confirm_body")}</Text>,
      labels: { confirm: t("clients:actions.anonymise"), cancel: t("common:actions.cancel") },
      confirmProps: { color: "red.9" },
      onConfirm: () =>
        anonymise.mutate(undefined, {
          onSuccess: () => {
            setBlocked(null);
            notifications.show({ color: "green", message: t("clients:anonymised") });
          },
          onError: (error) => notifyError(error, t),
        }),
    });

  const confirmDelete = () =>
    modals.openConfirmModal({
      title: t("clients:delete.confirm_title", { name: record.display_name }),
      children: <Text size="sm">{t("clients:delete.confirm_body")}</Text>,
      labels: { confirm: t("clients:actions.delete"), cancel: t("common:actions.cancel") },
      confirmProps: { color: "red.9" },
      onConfirm: () =>
        remove.mutate(undefined, {
          onSuccess: () => {
            notifications.show({ color: "green", message: t("clients:deleted") });
            void navigate(paths.clients);
          },
          onError: (error) => {
            if (error instanceof ApiError && error.code === "client_delete_blocked") setBlocked(error);
            else notifyError(error, t);
          },
        }),
    });

  const notAllowed = t("common:nav.not_allowed");
  return (
    <Stack>
      <Group justify="space-between" align="flex-start">
        <div>
          <Text component={Link} to={paths.clients} size="sm" c="dimmed">
            ← {t("clients:title")}
          </Text>
          <Group gap="sm">
            <Title order={1}>{record.display_name}</Title>
            <StatusBadge status={record.status} />
          </Group>
          <Text c="dimmed">
            {t(`clients:kind.${record.kind}`)} · CIN {record.cin}
          </Text>
        </div>
        <Group>
          {/* A contract is mostly started from its client: the form opens with the client chosen. */}
          {can(session, "contracts:write") && record.status !== "terminated" && !record.anonymised_at && (
            <Button component={Link} to={`${paths.contracts}/new?client=${clientId}`}>
              {t("contracts:list.new")}
            </Button>
          )}
          <Tooltip label={notAllowed} disabled={writer}>
            <Button variant="default" component={Link} to={paths.clientEdit(clientId)} disabled={!writer}>
              {t("clients:actions.edit")}
            </Button>
          </Tooltip>
          <Tooltip label={notAllowed} disabled={writer}>
            <Button
              color="red"
              variant="light"
              onClick={confirmDelete}
              disabled={!writer}
              loading={remove.isPending}
            >
              {t("clients:actions.delete")}
            </Button>
          </Tooltip>
        </Group>
      </Group>
      {blocked && (
        <DeleteBlocked
          error={blocked}
          client={record}
          admin={can(session, "clients:anonymise")}
          onTerminate={terminate}
          onAnonymise={confirmAnonymise}
          terminating={update.isPending}
          anonymising={anonymise.isPending}
        />
      )}
      <Card withBorder>
        <SimpleGrid cols={{ base: 1, sm: 2, lg: 4 }}>
          <LabelledValue label={t("clients:fields.email")}>
            {record.email ? <EmailAddress email={record.email} /> : "—"}
          </LabelledValue>
          <LabelledValue label={t("clients:fields.phone")}>{formatPhone(record.phone) || "—"}</LabelledValue>
          <LabelledValue label={t("clients:fields.address")}>{record.address || "—"}</LabelledValue>
          <LabelledValue label={t("clients:fields.city")}>{record.city || "—"}</LabelledValue>
          {record.kind === "business" && (
            <LabelledValue label={t("clients:fields.ice")}>{record.ice || "—"}</LabelledValue>
          )}
          <LabelledValue label={t("clients:fields.created_at")}>
            {formatDateTime(record.created_at, language) || "—"}
          </LabelledValue>
        </SimpleGrid>
      </Card>
      <Tabs
        value={tab}
        onChange={(value) =>
          setSearchParams(value && value !== "contracts" ? { tab: value } : {}, { replace: true })
        }
        keepMounted={false}
      >
        <Tabs.List>
          <Tabs.Tab value="contracts">{t("clients:sections.contracts")}</Tabs.Tab>
          <Tabs.Tab value="invoices" disabled={!can(session, "invoices:read")}>
            {t("clients:sections.invoices")}
          </Tabs.Tab>
          <Tabs.Tab value="payments" disabled={!can(session, "payments:read")}>
            {t("clients:sections.payments")}
          </Tabs.Tab>
          <Tabs.Tab value="collections" disabled={!can(session, "collections:read")}>
            {t("clients:sections.collections")}
          </Tabs.Tab>
          <Tabs.Tab value="audit" disabled={!can(session, "audit:read")}>
            {t("clients:sections.audit")}
          </Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="contracts" pt="md">
          <Section loading={contracts.isPending} empty={!contracts.data?.items.length}>
            <Table striped withTableBorder>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t("clients:contract.number")}</Table.Th>
                  <Table.Th>{t("clients:contract.service")}</Table.Th>
                  <Table.Th>{t("clients:contract.line")}</Table.Th>
                  <Table.Th>{t("clients:contract.start")}</Table.Th>
                  <Table.Th>{t("clients:contract.monthly_fee")}</Table.Th>
                  <Table.Th>{t("clients:fields.status")}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {contracts.data?.items.map((contract) => (
                  <Table.Tr key={contract.id}>
                    <Table.Td>
                      <Anchor component={Link} to={paths.contract(contract.id)} size="sm">
                        {contract.contract_number}
                      </Anchor>
                    </Table.Td>
                    <Table.Td>{word(t, "contracts:service_type", contract.service_type)}</Table.Td>
                    <Table.Td>{formatPhone(contract.phone_number)}</Table.Td>
                    <Table.Td>{formatDate(contract.start_date, language)}</Table.Td>
                    <Table.Td>{formatMoney(contract.monthly_fee, language)}</Table.Td>
                    <Table.Td>{word(t, "contracts:status", contract.status)}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Section>
        </Tabs.Panel>
        <Tabs.Panel value="invoices" pt="md">
          <Section loading={invoices.isPending} empty={!invoices.data?.items.length}>
            <Table striped withTableBorder>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t("clients:history.invoice_number")}</Table.Th>
                  <Table.Th>{t("clients:history.issued")}</Table.Th>
                  <Table.Th>{t("clients:history.due")}</Table.Th>
                  <Table.Th ta="right">{t("clients:history.total")}</Table.Th>
                  <Table.Th ta="right">{t("clients:history.outstanding")}</Table.Th>
                  <Table.Th>{t("clients:fields.status")}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {invoices.data?.items.map((invoice) => (
                  <Table.Tr key={invoice.id}>
                    <Table.Td>
                      <Anchor component={Link} to={paths.invoice(invoice.id)} size="sm">
                        {invoice.invoice_number ?? "—"}
                      </Anchor>
                    </Table.Td>
                    <Table.Td>{formatDate(invoice.issue_date, language)}</Table.Td>
                    <Table.Td>{formatDate(invoice.due_date, language)}</Table.Td>
                    <Table.Td ta="right">{formatMoney(invoice.total, language)}</Table.Td>
                    <Table.Td ta="right">{formatMoney(invoice.outstanding_amount, language)}</Table.Td>
                    <Table.Td>{word(t, "invoices:status", invoice.status)}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
            <MoreOnTheList
              shown={invoices.data?.items.length ?? 0}
              total={invoices.data?.total ?? 0}
              to={`${paths.invoices}?client_id=${clientId}`}
              label={t("clients:history.all_invoices", { count: invoices.data?.total ?? 0 })}
            />
          </Section>
        </Tabs.Panel>
        <Tabs.Panel value="payments" pt="md">
          <Section loading={payments.isPending} empty={!payments.data?.items.length}>
            <Table striped withTableBorder>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t("clients:history.received_at")}</Table.Th>
                  <Table.Th ta="right">{t("clients:history.amount")}</Table.Th>
                  <Table.Th>{t("clients:history.method")}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {payments.data?.items.map((payment) => (
                  <Table.Tr key={payment.id}>
                    <Table.Td>{formatDateTime(payment.received_at, language)}</Table.Td>
                    <Table.Td ta="right">{formatMoney(payment.amount, language)}</Table.Td>
                    <Table.Td>{word(t, "collections:method", payment.method)}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Section>
        </Tabs.Panel>
        <Tabs.Panel value="collections" pt="md">
          <Section loading={cases.isPending} empty={!cases.data?.items.length}>
            <Table striped withTableBorder>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t("clients:history.opened_on")}</Table.Th>
                  <Table.Th>{t("clients:fields.status")}</Table.Th>
                  <Table.Th>{t("clients:history.aging_bucket")}</Table.Th>
                  <Table.Th ta="right">{t("clients:history.days_past_due")}</Table.Th>
                  <Table.Th ta="right">{t("clients:history.overdue_invoices")}</Table.Th>
                  <Table.Th ta="right">{t("clients:history.total_overdue")}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {cases.data?.items.map((collectionCase) => (
                  <Table.Tr key={collectionCase.id}>
                    <Table.Td>
                      <Anchor component={Link} to={paths.collectionCase(collectionCase.id)} size="sm">
                        {formatDate(collectionCase.opened_on, language)}
                      </Anchor>
                    </Table.Td>
                    <Table.Td>{word(t, "collections:case_status", collectionCase.status)}</Table.Td>
                    <Table.Td>{collectionCase.aging_bucket}</Table.Td>
                    <Table.Td ta="right">{collectionCase.days_past_due}</Table.Td>
                    <Table.Td ta="right">{collectionCase.overdue_invoice_count}</Table.Td>
                    <Table.Td ta="right">{formatMoney(collectionCase.total_overdue, language)}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
            <MoreOnTheList
              shown={cases.data?.items.length ?? 0}
              total={cases.data?.total ?? 0}
              to={`${paths.collections}?client_id=${clientId}`}
              label={t("clients:history.all_cases", { count: cases.data?.total ?? 0 })}
            />
          </Section>
        </Tabs.Panel>
        <Tabs.Panel value="audit" pt="md">
          <Section loading={audit.isPending} empty={!audit.data?.items.length}>
            <Timeline bulletSize={14} lineWidth={2}>
              {audit.data?.items.map((event) => (
                <Timeline.Item key={event.id} title={auditLabels.action(t, event.action)}>
                  <AuditDetail line={auditLabels.detail(t, event)} />
                  <Text size="sm" c="dimmed">
                    {formatDateTime(event.occurred_at, language)} · {event.actor} (
                    {auditLabels.role(t, event.role)})
                  </Text>
                </Timeline.Item>
              ))}
            </Timeline>
          </Section>
        </Tabs.Panel>
      </Tabs>
    </Stack>
  );
}
