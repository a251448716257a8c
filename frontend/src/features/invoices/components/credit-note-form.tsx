import { Alert, Button, Checkbox, Modal, Radio, Stack, Text, TextInput } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { errorMessage } from "@/components/errors/error-notification";
import { billingKeys } from "@/features/invoices/api/keys";
import { api, unwrap } from "@/lib/api-client";
import { ApiError } from "@/lib/api-error";
import type { components } from "@/lib/api-types.gen";
import { formatMoney, formatPhone } from "@/lib/format";

type CreditNoteCreate = components["schemas"]["CreditNoteCreate"];
type Kind = CreditNoteCreate["kind"];
type Line = { id: string; offer_name: string; phone_number: string | null; amount: string };

/** A decimal amount as typed (comma or point, at most two decimals), or null when it is not one. */
function amountOf(text: string): string | null {
  const value = text.trim().replace(",", ".");
  return /^\d+(\.\d{1,2})?$/.test(value) && Number(value) > 0 ? value : null;
}

/**
 * Issue a credit note on an invoice: what is left of the whole invoice, chosen lines, or an amount excl.
 * tax. The server refuses more than what is still creditable and says how much is; the Idempotency-Key is
 * kept for the same request across retries and double clicks, and renewed for a different one.
 */
export function CreditNoteForm({
  invoiceId,
  invoiceNumber,
  lines,
  creditable,
  opened,
  onClose,
}: {
  invoiceId: string;
  invoiceNumber: string;
  lines: Line[];
  /** What the invoice says is still creditable, excl. and incl. tax. */
  creditable: { subtotal: string; total: string };
  opened: boolean;
  onClose: () => void;
}) {
  const { t, i18n } = useTranslation(["invoices", "errors"]);
  const lang = i18n.language;
  const queryClient = useQueryClient();
  const [kind, setKind] = useState<Kind>("invoice");
  const [chosen, setChosen] = useState<string[]>([]);
  const [amount, setAmount] = useState("");
  const [reason, setReason] = useState("");
  const [problems, setProblems] = useState<Record<string, string>>({});
  const key = useRef<{ payload: string; key: string } | null>(null);

  const issue = useMutation({
    mutationFn: ({ body, idempotencyKey }: { body: CreditNoteCreate; idempotencyKey: string }) =>
      unwrap(
        api.POST("/api/v1/invoices/{invoice_id}/credit-notes", {
          params: { path: { invoice_id: invoiceId }, header: { "Idempotency-Key": idempotencyKey } },
          body,
        }),
      ),
    onSuccess: (note) => {
      key.current = null;
      notifications.show({
        color: "teal",
        title: t("credit.issued_title"),
        message: t("credit.issued", {
          number: note.credit_note_number,
          total: formatMoney(note.total, lang),
        }),
      });
      void queryClient.invalidateQueries({ queryKey: billingKeys.all });
      setReason("");
      setAmount("");
      setChosen([]);
      setKind("invoice");
      onClose();
    },
    onError: (error) => {
      const found: Record<string, string> = {};
      if (error instanceof ApiError) {
        for (const [path, detail] of error.fieldErrors()) {
          const field = path.split(".")[0] ?? "";
          // The server names the creditable amount in its own message: keep it, it is the figure to use.
          if (["reason", "amount", "line_ids"].includes(field) && !found[field])
            found[field] =
              detail.type === "credit_exceeds_creditable"
                ? (detail.msg ?? error.message)
                : t(`errors:codes.${detail.type ?? error.code}`, {
                    defaultValue: detail.msg ?? error.message,
                  });
        }
      }
      found.form = Object.keys(found).length ? "" : errorMessage(error, t);
      setProblems(found);
    },
  });

  function submit() {
    const local: Record<string, string> = {};
    if (reason.trim().length < 3) local.reason = t("credit.reason_required");
    const value = amountOf(amount);
    if (kind === "amount" && value === null) local.amount = t("credit.amount_invalid");
    if (kind === "lines" && chosen.length === 0) local.line_ids = t("credit.lines_required");
    setProblems(local);
    if (Object.keys(local).length) return;
    const body: CreditNoteCreate = {
      kind,
      reason: reason.trim(),
      ...(kind === "lines" ? { line_ids: chosen } : {}),
      ...(kind === "amount" && value ? { amount: value } : {}),
    };
    const payload = JSON.stringify(body);
    if (key.current?.payload !== payload) key.current = { payload, key: crypto.randomUUID() };
    issue.mutate({ body, idempotencyKey: key.current.key });
  }

  return (
    <Modal opened={opened} onClose={onClose} title={t("credit.title", { number: invoiceNumber })} size="lg">
      <form
        onSubmit={(event) => {
          event.preventDefault();
          submit();
        }}
        noValidate
      >
        <Stack>
          <Text size="sm">
            {t("credit.creditable", {
              subtotal: formatMoney(creditable.subtotal, lang),
              total: formatMoney(creditable.total, lang),
            })}
          </Text>
          <Radio.Group
            label={t("credit.kind")}
            value={kind}
            onChange={(value) => {
              setKind(value);
              setProblems({});
            }}
          >
            <Stack gap="xs" mt="xs">
              <Radio value="invoice" label={t("credit.kind_invoice")} />
              <Radio value="lines" label={t("credit.kind_lines")} />
              <Radio value="amount" label={t("credit.kind_amount")} />
            </Stack>
          </Radio.Group>
          {kind === "lines" && (
            <Checkbox.Group
              label={t("credit.lines")}
              value={chosen}
              onChange={setChosen}
              error={problems.line_ids}
            >
              <Stack gap="xs" mt="xs">
                {lines.map((line) => (
                  <Checkbox
                    key={line.id}
                    value={line.id}
                    label={`${line.offer_name}${line.phone_number ? ` · ${formatPhone(line.phone_number)}` : ""} · ${formatMoney(line.amount, lang)}`}
                  />
                ))}
              </Stack>
            </Checkbox.Group>
          )}
          {kind === "amount" && (
            <TextInput
              label={t("credit.amount")}
              description={t("credit.amount_help")}
              inputMode="decimal"
              value={amount}
              onChange={(event) => setAmount(event.currentTarget.value)}
              error={problems.amount}
              required
            />
          )}
          <TextInput
            label={t("credit.reason")}
            description={t("credit.reason_help")}
            value={reason}
            maxLength={500}
            onChange={(event) => setReason(event.currentTarget.value)}
            error={problems.reason}
            required
          />
          {problems.form && (
            <Alert color="red" role="alert">
              {problems.form}
            </Alert>
          )}
          <Text size="sm" c="dimmed">
            {t("credit.explain")}
          </Text>
          <Button type="submit" loading={issue.isPending}>
            {t("credit.submit")}
          </Button>
        </Stack>
      </form>
    </Modal>
  );
}
