import { Alert, Button, Checkbox, Modal, Radio, Stack, Text, TextInput } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { zodResolver } from "@hookform/resolvers/zod";
import { useMemo } from "react";
import { Controller, useForm, useWatch } from "react-hook-form";
import { useTranslation } from "react-i18next";
import { z } from "zod";
import { errorMessage } from "@/components/errors/error-notification";
import { useCreateCreditNote, type CreditNoteCreate } from "@/features/invoices/api/create-credit-note";
import { ApiError } from "@/lib/api-error";
import { formatMoney, formatPhone } from "@/lib/format";
import { fieldErrorText, setValidationErrors } from "@/lib/form-errors";
import { fromCentimes, toCentimes } from "@/lib/money";

type Line = { id: string; offer_name: string; phone_number: string | null; amount: string };

const FIELDS = ["kind", "line_ids", "amount", "reason"] as const;
// The server's refusal names what is still creditable in its own message: that figure is the one to use.
const VERBATIM = ["credit_exceeds_creditable"] as const;

/** The backend's rules for a credit note request, checked before it is sent. */
export function creditNoteSchema(t: (key: string) => string) {
  return z
    .object({
      kind: z.enum(["invoice", "lines", "amount"]),
      line_ids: z.array(z.string()),
      amount: z.string(),
      reason: z.string().trim().min(3, t("credit.reason_required")).max(500),
    })
    .superRefine((values, context) => {
      if (values.kind === "lines" && values.line_ids.length === 0)
        context.addIssue({ code: "custom", path: ["line_ids"], message: t("credit.lines_required") });
      // Positive, at most two decimals, within numeric(14,2): read in centimes, never as a float.
      if (values.kind === "amount" && !((toCentimes(values.amount) ?? 0) > 0))
        context.addIssue({ code: "custom", path: ["amount"], message: t("credit.amount_invalid") });
    });
}

type Values = z.input<ReturnType<typeof creditNoteSchema>>;
const EMPTY: Values = { kind: "invoice", line_ids: [], amount: "", reason: "" };

/** The request body of the form's values: only the fields of the chosen kind, the amount as the API writes it. */
function requestOf(values: Values): CreditNoteCreate {
  return {
    kind: values.kind,
    reason: values.reason.trim(),
    ...(values.kind === "lines" ? { line_ids: values.line_ids } : {}),
    ...(values.kind === "amount" ? { amount: fromCentimes(toCentimes(values.amount) ?? 0) } : {}),
  };
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
  const schema = useMemo(() => creditNoteSchema(t), [t]);
  const form = useForm<Values>({ defaultValues: EMPTY, resolver: zodResolver(schema) });
  const { errors } = form.formState;
  const kind = useWatch({ control: form.control, name: "kind" });

  const issue = useCreateCreditNote(invoiceId);

  const submit = form.handleSubmit((values) =>
    issue.issue(requestOf(values), {
      onSuccess: (note) => {
        notifications.show({
          color: "teal",
          title: t("credit.issued_title"),
          message: t("credit.issued", {
            number: note.credit_note_number,
            total: formatMoney(note.total, lang),
          }),
        });
        form.reset(EMPTY);
        onClose();
      },
      onError: (error) => {
        // A chosen line's problem is named by its position in line_ids: it belongs to the lines field.
        const rename = Object.fromEntries(
          values.line_ids.map((_, index) => [`line_ids.${index}`, "line_ids"]),
        );
        const placed = error instanceof ApiError && setValidationErrors(error, form.setError, FIELDS, rename);
        if (!placed) form.setError("root.server", { message: errorMessage(error, t) });
      },
    }),
  );
  const errorOf = (field: (typeof FIELDS)[number]) =>
    fieldErrorText(t, errors[field], { verbatim: VERBATIM });

  return (
    <Modal opened={opened} onClose={onClose} title={t("credit.title", { number: invoiceNumber })} size="lg">
      <form onSubmit={(event) => void submit(event)} noValidate>
        <Stack>
          <Text size="sm">
            {t("credit.creditable", {
              subtotal: formatMoney(creditable.subtotal, lang),
              total: formatMoney(creditable.total, lang),
            })}
          </Text>
          <Controller
            control={form.control}
            name="kind"
            render={({ field }) => (
              <Radio.Group
                label={t("credit.kind")}
                value={field.value}
                onChange={(value) => {
                  field.onChange(value);
                  form.clearErrors();
                }}
              >
                <Stack gap="xs" mt="xs">
                  <Radio value="invoice" label={t("credit.kind_invoice")} />
                  <Radio value="lines" label={t("credit.kind_lines")} />
                  <Radio value="amount" label={t("credit.kind_amount")} />
                </Stack>
              </Radio.Group>
            )}
          />
          {kind === "lines" && (
            <Controller
              control={form.control}
              name="line_ids"
              render={({ field }) => (
                <Checkbox.Group
                  label={t("credit.lines")}
                  value={field.value}
                  onChange={field.onChange}
                  error={errorOf("line_ids")}
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
            />
          )}
          {kind === "amount" && (
            <TextInput
              label={t("credit.amount")}
              description={t("credit.amount_help")}
              inputMode="decimal"
              error={errorOf("amount")}
              required
              {...form.register("amount")}
            />
          )}
          <TextInput
            label={t("credit.reason")}
            description={t("credit.reason_help")}
            maxLength={500}
            error={errorOf("reason")}
            required
            {...form.register("reason")}
          />
          {errors.root?.server?.message && (
            <Alert color="red" role="alert">
              {errors.root.server.message}
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
