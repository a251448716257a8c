import {
  Alert,
  Anchor,
  Button,
  Group,
  Paper,
  SimpleGrid,
  Stack,
  Table,
  Text,
  Timeline,
  Title,
} from "@mantine/core";
import { modals } from "@mantine/modals";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, useParams } from "react-router";
import { notifyError } from "@/components/errors/error-notification";
import { PageLoader } from "@/components/layouts/page-loader";
import { auditLabels } from "@/components/ui/audit-labels";
import { LabelledValue } from "@/components/ui/labelled-value";
import { ClientName } from "@/components/ui/client-name";
import { useInvoice } from "@/features/invoices/api/get-invoice";
import { billingKeys } from "@/features/invoices/api/keys";
import {
  useInvoiceAudit,
  useInvoiceCreditNoteAudit,
  useInvoiceIssuedBatch,
} from "@/features/invoices/api/list-invoice-audit";
import { useInvoicePayments } from "@/features/invoices/api/list-invoice-payments";
import { CreditNoteForm } from "@/features/invoices/components/credit-note-form";
import { InvoicePdf } from "@/features/invoices/components/invoice-pdf";
import { InvoiceStatusBadge } from "@/features/invoices/components/status-badge";
import { api, downloadFile, unwrap } from "@/lib/api-client";
import { can } from "@/lib/authorization";
import { formatDate, formatDateTime, formatMoney, formatPhone } from "@/lib/format";
import { toCentimes } from "@/lib/money";
import { useSession } from "@/lib/session";

/** "Approve paid": records a payment of the whole outstanding amount, after a confirmation saying so. */
function ApprovePaid({ invoiceId, outstanding }: { invoiceId: string; outstanding: string }) {
  const { t, i18n } = useTranslation("invoices");
  const queryClient = useQueryClient();
  const key = useRef(crypto.randomUUID());
  const approve = useMutation({
    mutationFn: () =>
      unwrap(
        api.POST("/api/v1/collections/invoices/{invoice_id}/approve-paid", {
          params: { path: { invoice_id: invoiceId }, header: { "Idempotency-Key": key.current } },
          body: { method: "bank_transfer" },
        }),
      ),
    onSuccess: () => {
      key.current = crypto.randomUUID();
      void queryClient.invalidateQueries({ queryKey: billingKeys.all });
    },
    onError: (error) => notifyError(error, t),
  });
  return (
    <Button
      // The primary colour: Mantine's filled green under white text is below WCAG AA contrast.
      loading={approve.isPending}
      onClick={() =>
        modals.openConfirmModal({
          title: t("detail.approve_paid"),
          children: t("detail.approve_paid_confirm", { amount: formatMoney(outstanding, i18n.language) }),
          labels: { confirm: t("detail.approve_paid"), cancel: t("run.cancel") },
          onConfirm: () => approve.mutate(),
        })
      }
    >
      {t("detail.approve_paid")}
    </Button>
  );
}

/** A value of an audit record's free-form `after`, shown only when it is a string. */
const textOf = (value: unknown) => (typeof value === "string" ? value : "");

export function InvoiceDetailPage() {
  const { t, i18n } = useTranslation(["invoices", "collections"]);
  const lang = i18n.language;
  const { invoiceId = "" } = useParams();
  const session = useSession();
  const invoice = useInvoice(invoiceId);
  const [crediting, setCrediting] = useState(false);
  const payments = useInvoicePayments(invoiceId);
  const canAudit = can(session, "audit:read");
  const audit = useInvoiceAudit(invoiceId, canAudit);
  const creditNoteAudit = useInvoiceCreditNoteAudit(invoiceId, canAudit);
  const issued = useInvoiceIssuedBatch(
    invoice.data?.billing_run_id ?? null,
    invoice.data?.invoice_number ?? null,
    canAudit,
  );
  if (invoice.isPending) return <PageLoader />;
  if (invoice.isError) return <Alert color="red">{invoice.error.message}</Alert>;
  const data = invoice.data;
  const payable =
    (data.status === "issued" || data.status === "overdue") && can(session, "collections:write");
  // The API states what is still creditable (0.00 on an invoice no credit note may correct); billing (and
  // admin) issue credit notes.
  const creditable = (toCentimes(data.creditable_subtotal) ?? 0) > 0 && can(session, "billing:write");
  // Newest first, as the audit log answers (its ids grow with time): the invoice's own events, its credit
  // notes' (audited as their own entity) and the batch that issued it.
  const trail = [
    ...(audit.data?.items ?? []),
    ...(creditNoteAudit.data?.items ?? []),
    ...(issued.data?.items ?? []),
  ].sort((a, b) => b.id - a.id);
  const creditNotes = data.credit_notes;
  return (
    <Stack>
      <Group justify="space-between">
        <Group>
          <Title order={1} ff="monospace">
            {data.invoice_number ?? t("list.draft")}
          </Title>
          <InvoiceStatusBadge status={data.status} />
        </Group>
        <Group>
          {payable && (
            <Button
              component={Link}
              variant="default"
              to={`/collections/payments/new?client_id=${data.client_id}&invoice_id=${data.id}`}
            >
              {t("detail.record_payment")}
            </Button>
          )}
          {payable && <ApprovePaid invoiceId={data.id} outstanding={data.outstanding_amount} />}
          {creditable && (
            <Button variant="default" onClick={() => setCrediting(true)}>
              {t("credit.open")}
            </Button>
          )}
        </Group>
      </Group>
      <Paper withBorder p="md" radius="md">
        <SimpleGrid cols={{ base: 2, md: 5 }}>
          <LabelledValue label={t("detail.client")}>
            <ClientName clientId={data.client_id} />
          </LabelledValue>
          <LabelledValue label={t("list.period")}>
            {formatDate(data.period_start, lang)} – {formatDate(data.period_end, lang)}
          </LabelledValue>
          <LabelledValue label={t("list.issued")}>{formatDate(data.issue_date, lang)}</LabelledValue>
          <LabelledValue label={t("list.due")}>{formatDate(data.due_date, lang)}</LabelledValue>
          <LabelledValue label={t("detail.run")}>
            <Anchor component={Link} to={`/invoices/runs/${data.billing_run_id}`} size="sm">
              {t("detail.open_run")}
            </Anchor>
          </LabelledValue>
        </SimpleGrid>
      </Paper>
      <Table aria-label={t("detail.lines")} withTableBorder striped>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t("detail.kind")}</Table.Th>
            <Table.Th>{t("detail.offer")}</Table.Th>
            <Table.Th>{t("detail.line_number")}</Table.Th>
            <Table.Th>{t("detail.days")}</Table.Th>
            <Table.Th ta="right">{t("detail.unit")}</Table.Th>
            <Table.Th ta="right">{t("detail.amount")}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {data.lines.map((line) => (
            <Table.Tr key={line.id}>
              <Table.Td>
                {line.kind === "activation" ? t("detail.kind_activation") : t("detail.kind_recurring")}
              </Table.Td>
              <Table.Td>{line.offer_name}</Table.Td>
              <Table.Td>{formatPhone(line.phone_number)}</Table.Td>
              <Table.Td>
                {line.active_days} / {line.days_in_period}
              </Table.Td>
              <Table.Td ta="right">{formatMoney(line.unit_amount, lang)}</Table.Td>
              <Table.Td ta="right">{formatMoney(line.amount, lang)}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
        <Table.Tfoot>
          <Table.Tr>
            <Table.Th colSpan={5} ta="right">
              {t("detail.subtotal")}
            </Table.Th>
            <Table.Td ta="right">{formatMoney(data.subtotal, lang)}</Table.Td>
          </Table.Tr>
          <Table.Tr>
            <Table.Th colSpan={5} ta="right">
              {t("detail.tax", { rate: `${(Number(data.tax_rate) * 100).toLocaleString(lang)} %` })}
            </Table.Th>
            <Table.Td ta="right">{formatMoney(data.tax_amount, lang)}</Table.Td>
          </Table.Tr>
          <Table.Tr>
            <Table.Th colSpan={5} ta="right">
              {t("detail.total")}
            </Table.Th>
            <Table.Td ta="right" fw={700} data-testid="invoice-total">
              {formatMoney(data.total, lang)}
            </Table.Td>
          </Table.Tr>
          <Table.Tr>
            <Table.Th colSpan={5} ta="right">
              {t("detail.paid")}
            </Table.Th>
            <Table.Td ta="right">{formatMoney(data.paid_amount, lang)}</Table.Td>
          </Table.Tr>
          {/* What the outstanding amount is reduced by besides payments: this invoice's credit notes and any
              credit balance of the client applied to it (outstanding = total − paid − credit applied). */}
          <Table.Tr>
            <Table.Th colSpan={5} ta="right">
              {t("detail.credit_applied")}
            </Table.Th>
            <Table.Td ta="right" data-testid="invoice-credit-applied">
              {formatMoney(data.credit_applied, lang)}
            </Table.Td>
          </Table.Tr>
          <Table.Tr>
            <Table.Th colSpan={5} ta="right">
              {t("list.outstanding")}
            </Table.Th>
            <Table.Td ta="right" fw={700} data-testid="invoice-outstanding">
              {formatMoney(data.outstanding_amount, lang)}
            </Table.Td>
          </Table.Tr>
        </Table.Tfoot>
      </Table>
      <SimpleGrid cols={{ base: 1, md: 2 }}>
        <Paper withBorder p="md" radius="md">
          <Title order={2} size="h4" mb="sm">
            {t("detail.payments")}
          </Title>
          {(payments.data?.items ?? []).length === 0 ? (
            <Text c="dimmed">{t("detail.no_payments")}</Text>
          ) : (
            <Table aria-label={t("detail.payments")}>
              <Table.Tbody>
                {payments.data?.items.map((payment) => (
                  <Table.Tr key={payment.id}>
                    <Table.Td>{formatDateTime(payment.received_at, lang)}</Table.Td>
                    <Table.Td>
                      {t(`collections:method.${payment.method}`, { defaultValue: payment.method })}
                    </Table.Td>
                    <Table.Td>{payment.reference ?? "—"}</Table.Td>
                    <Table.Td ta="right">
                      {formatMoney(
                        payment.allocations.find((a) => a.invoice_id === data.id)?.amount ?? "0.00",
                        lang,
                      )}
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          )}
          {creditNotes && creditNotes.length > 0 && (
            <>
              <Title order={3} size="h5" mt="md" mb="xs">
                {t("detail.credit_notes")}
              </Title>
              <Table aria-label={t("detail.credit_notes")}>
                <Table.Tbody>
                  {creditNotes.map((note) => (
                    <Table.Tr key={note.id}>
                      <Table.Td ff="monospace">{note.credit_note_number}</Table.Td>
                      <Table.Td>{formatDate(note.issue_date, lang)}</Table.Td>
                      <Table.Td ta="right">{formatMoney(note.total, lang)}</Table.Td>
                      <Table.Td ta="right">
                        <Button
                          variant="subtle"
                          size="compact-sm"
                          aria-label={t("detail.credit_note_pdf", { number: note.credit_note_number })}
                          onClick={() =>
                            void downloadFile(
                              `/api/v1/credit-notes/${note.id}/pdf`,
                              `avoir-${note.credit_note_number}.pdf`,
                            ).catch((error: unknown) => notifyError(error, t))
                          }
                        >
                          PDF
                        </Button>
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </>
          )}
        </Paper>
        <Paper withBorder p="md" radius="md">
          <Title order={2} size="h4" mb="sm">
            {t("detail.audit")}
          </Title>
          {!canAudit ? (
            <Text c="dimmed">{t("detail.audit_not_allowed")}</Text>
          ) : trail.length === 0 ? (
            <Text c="dimmed">{t("detail.audit_empty")}</Text>
          ) : (
            <Timeline bulletSize={14} lineWidth={2}>
              {trail.map((event) => (
                <Timeline.Item key={event.id} title={auditLabels.action(t, event.action)}>
                  <Text size="xs" c="dimmed">
                    {formatDateTime(event.occurred_at, lang)} · {event.actor} (
                    {auditLabels.role(t, event.role)})
                  </Text>
                  {event.action === "credit_note.issued" && (
                    <Text size="xs">
                      {t("detail.credit_note_event", {
                        number: textOf(event.after?.credit_note_number),
                        total: formatMoney(textOf(event.after?.total) || "0.00", lang),
                      })}
                    </Text>
                  )}
                  {event.action === "invoices.issued" && (
                    <Anchor component={Link} to={`/invoices/runs/${data.billing_run_id}`} size="xs">
                      {t("detail.issued_in_run", {
                        first: textOf(event.after?.first_invoice_number),
                        last: textOf(event.after?.last_invoice_number),
                      })}
                    </Anchor>
                  )}
                </Timeline.Item>
              ))}
            </Timeline>
          )}
        </Paper>
      </SimpleGrid>
      {creditable && data.invoice_number && (
        <CreditNoteForm
          invoiceId={data.id}
          invoiceNumber={data.invoice_number}
          lines={data.lines}
          creditable={{ subtotal: data.creditable_subtotal, total: data.creditable_total }}
          opened={crediting}
          onClose={() => setCrediting(false)}
        />
      )}
      {data.invoice_number && (
        <InvoicePdf invoiceId={data.id} fileName={`${data.invoice_number}.pdf`} sha256={data.pdf?.sha256} />
      )}
    </Stack>
  );
}
