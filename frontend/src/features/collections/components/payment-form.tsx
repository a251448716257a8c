import { Alert, Button, Group, Paper, Select, Stack, Switch, Text, TextInput, Title } from "@mantine/core";
import { useQueryClient } from "@tanstack/react-query";
import { useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { errorMessage, notifyError } from "@/components/errors/error-notification";
import { ApiError } from "@/lib/api-error";
import { collectionsKeys } from "@/features/collections/api/keys";
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

// Refusals that mean the invoices owing changed since the preview was loaded (paid or allocated elsewhere).
const STALE_INVOICES = new Set([
  "overpayment",
  "invoice_not_payable",
  "invoice_already_paid",
  "invoice_not_found",
]);

function todayIso(): string {
  return new Date().toISOString().slice(0, 10);
}

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
  // Set before the request leaves: a double click (or Enter right after a click) comes in before React has
  // re-rendered with isPending, and its second request only earned a 409 idempotency_key_in_progress toast.
  const inFlight = useRef(false);
  // The submit button is disabled while pending, which drops keyboard focus: a refusal hands it to the
  // field to correct.
  const amountRef = useRef<HTMLInputElement>(null);
  const receivedRef = useRef<HTMLInputElement>(null);
  const queryClient = useQueryClient();
  // The server's refusal of what the preview showed, told where it applies rather than in a toast.
  const [staleRefusal, setStaleRefusal] = useState<string | null>(null);
  const [receivedRefusal, setReceivedRefusal] = useState<string | null>(null);
  const today = todayIso();
  const receivedError = receivedOn && receivedOn > today ? t("payment.received_in_future") : receivedRefusal;
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
    if (inFlight.current || record.isPending || preview.problem || receivedError) return;
    inFlight.current = true;
    setStaleRefusal(null);
    setReceivedRefusal(null);
    const sent = { ...body, confirm_duplicate: confirm };
    const payload = JSON.stringify(sent);
    if (key.current?.payload !== payload) key.current = { payload, key: crypto.randomUUID() };
    record.mutate(
      { body: sent, idempotencyKey: key.current.key },
      {
        onSettled: () => {
          inFlight.current = false;
        },
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
          if (!(error instanceof ApiError)) notifyError(error, t);
          else if (error.code === "possible_duplicate_payment") setDuplicate(true);
          else if (STALE_INVOICES.has(error.code)) {
            // The preview showed amounts the server no longer has: reload them so the operator sees why.
            void queryClient.invalidateQueries({ queryKey: collectionsKeys.openInvoices(clientId) });
            setStaleRefusal(errorMessage(error, t));
            amountRef.current?.focus();
          } else if (error.fieldErrors().has("received_at")) {
            setReceivedRefusal(
              error.code === "received_before_client"
                ? errorMessage(error, t)
                : t("payment.received_in_future"),
            );
            receivedRef.current?.focus();
          } else notifyError(error, t);
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
            ref={amountRef}
            label={t("payment.amount")}
            inputMode="decimal"
            // Typed but not an amount: said on the field, or the disabled button would be the only sign.
            error={amount.trim() && toCentimes(amount) === null ? t("payment.amount_format") : undefined}
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
            ref={receivedRef}
            type="date"
            label={t("payment.received_on")}
            value={receivedOn}
            max={today}
            error={receivedError}
            onChange={(e) => {
              setReceivedOn(e.currentTarget.value);
              setReceivedRefusal(null);
            }}
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
        {staleRefusal && (
          <Alert color="red" role="alert" title={staleRefusal} data-testid="payment-stale">
            {t("payment.stale_reloaded")}
          </Alert>
        )}
        <Group justify="flex-end">
          <Button type="submit" loading={record.isPending} disabled={!!preview.problem || !!receivedError}>
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
