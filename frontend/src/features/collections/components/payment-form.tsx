import { Alert, Button, Group, Paper, Select, Stack, Switch, Text, TextInput, Title } from "@mantine/core";
import { useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { notifyError } from "@/components/errors/error-notification";
import { ApiError } from "@/lib/api-error";
import { useOpenInvoices } from "@/features/collections/api/list-open-invoices";
import {
  useRecordPayment,
  type PaymentCreate,
  type PaymentRecorded,
} from "@/features/collections/api/record-payment";
import { AllocationPreviewTable } from "@/features/collections/components/allocation-preview";
import { previewAllocation } from "@/features/collections/lib/allocation";
import { formatMoney } from "@/lib/format";
import { fromCentimes, toCentimes } from "@/lib/money";

const METHODS = ["bank_transfer", "cash", "cheque", "card", "mobile_money"] as const;
const METHOD_LABEL = {
  bank_transfer: "collections:method.bank_transfer",
  cash: "collections:method.cash",
  cheque: "collections:method.cheque",
  card: "collections:method.card",
  mobile_money: "collections:method.mobile_money",
} as const;

/**
 * Record a payment from a client. The preview blocks an overpayment before submit; the Idempotency-Key is
 * kept for the same request across retries and double clicks, and renewed once the server has answered.
 */
export function PaymentForm({
  clientId,
  onRecorded,
  showTitle = true,
}: {
  clientId: string;
  onRecorded?: (result: PaymentRecorded) => void;
  /** Off where the page's own heading already says it (the payment page). */
  showTitle?: boolean;
}) {
  const { t, i18n } = useTranslation("collections");
  const lang = i18n.language;
  const invoices = useOpenInvoices(clientId);
  const record = useRecordPayment();
  const [amount, setAmount] = useState("");
  const [method, setMethod] = useState<(typeof METHODS)[number]>("bank_transfer");
  const [reference, setReference] = useState("");
  const [receivedOn, setReceivedOn] = useState("");
  const [manual, setManual] = useState<Record<string, string> | null>(null);
  const [result, setResult] = useState<PaymentRecorded | null>(null);
  // A 409 possible_duplicate_payment (same client, reference, amount and day) is confirmed on purpose only.
  const [duplicate, setDuplicate] = useState(false);
  const [confirmDuplicate, setConfirmDuplicate] = useState(false);
  const key = useRef<{ payload: string; key: string } | null>(null);
  const preview = previewAllocation(amount, invoices.data ?? [], manual);

  const body: PaymentCreate = {
    client_id: clientId,
    amount: fromCentimes(toCentimes(amount) ?? 0),
    method,
    reference: reference || null,
    received_at: receivedOn ? `${receivedOn}T12:00:00Z` : null,
    allocations: manual
      ? preview.rows
          .filter((row) => (toCentimes(row.allocated) ?? 0) > 0)
          .map((row) => ({ invoice_id: row.invoice.invoice_id, amount: row.allocated }))
      : null,
    confirm_duplicate: confirmDuplicate,
  };

  function submit(confirm = confirmDuplicate) {
    if (record.isPending || preview.problem) return;
    const sent = { ...body, confirm_duplicate: confirm };
    const payload = JSON.stringify(sent);
    if (key.current?.payload !== payload) key.current = { payload, key: crypto.randomUUID() };
    record.mutate(
      { body: sent, idempotencyKey: key.current.key },
      {
        onSuccess: (answer) => {
          key.current = null;
          setDuplicate(false);
          setConfirmDuplicate(false);
          setResult(answer);
          setAmount("");
          setManual(null);
          onRecorded?.(answer);
        },
        onError: (error) => {
          if (error instanceof ApiError && error.code === "possible_duplicate_payment") setDuplicate(true);
          else notifyError(error, t);
        },
      },
    );
  }

  return (
    <Paper withBorder p="lg" radius="md">
      <Stack
        component="form"
        aria-label={t("payment.title")}
        onSubmit={(event) => {
          event.preventDefault();
          submit();
        }}
      >
        {showTitle && (
          <Title order={2} size="h3">
            {t("payment.title")}
          </Title>
        )}
        <Group grow align="flex-start">
          <TextInput
            label={t("payment.amount")}
            value={amount}
            onChange={(e) => setAmount(e.currentTarget.value)}
            required
          />
          <Select
            label={t("payment.method")}
            value={method}
            allowDeselect={false}
            onChange={(value) => value && setMethod(value)}
            data={METHODS.map((value) => ({ value, label: t(METHOD_LABEL[value]) }))}
          />
        </Group>
        <Group grow align="flex-start">
          <TextInput
            label={t("payment.reference")}
            value={reference}
            onChange={(e) => setReference(e.currentTarget.value)}
          />
          <TextInput
            type="date"
            label={t("payment.received_on")}
            value={receivedOn}
            onChange={(e) => setReceivedOn(e.currentTarget.value)}
          />
        </Group>
        <Switch
          label={t("payment.manual")}
          checked={manual !== null}
          onChange={(event) => setManual(event.currentTarget.checked ? {} : null)}
        />
        {invoices.data && invoices.data.length === 0 ? (
          <Text c="dimmed">{t("payment.nothing_owed")}</Text>
        ) : (
          <AllocationPreviewTable
            preview={preview}
            manual={manual}
            onManualChange={(invoiceId, value) =>
              setManual((current) => ({ ...(current ?? {}), [invoiceId]: value }))
            }
          />
        )}
        {duplicate && (
          <Alert color="orange" title={t("payment.duplicate_title")} data-testid="payment-duplicate">
            <Stack gap="xs">
              <Text size="sm">{t("payment.duplicate_text")}</Text>
              <Group>
                <Button
                  variant="outline"
                  color="orange"
                  loading={record.isPending}
                  onClick={() => {
                    setConfirmDuplicate(true);
                    submit(true);
                  }}
                >
                  {t("payment.duplicate_confirm")}
                </Button>
                <Button variant="subtle" onClick={() => setDuplicate(false)}>
                  {t("payment.duplicate_cancel")}
                </Button>
              </Group>
            </Stack>
          </Alert>
        )}
        <Group justify="flex-end">
          <Button type="submit" loading={record.isPending} disabled={!!preview.problem}>
            {t("payment.submit")}
          </Button>
        </Group>
        {result && (
          <Alert
            color="green"
            title={t("payment.recorded", { amount: formatMoney(result.amount, lang) })}
            data-testid="payment-result"
          >
            <Stack gap={2}>
              {result.invoices.map((invoice) => (
                <Text key={invoice.invoice_id} size="sm">
                  <Link to={`/invoices/${invoice.invoice_id}`}>{invoice.invoice_number}</Link> —{" "}
                  {invoice.status === "paid"
                    ? t("payment.now_paid")
                    : t("payment.still_owes", { amount: formatMoney(invoice.outstanding_amount, lang) })}
                </Text>
              ))}
            </Stack>
          </Alert>
        )}
      </Stack>
    </Paper>
  );
}
