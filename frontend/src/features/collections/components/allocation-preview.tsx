import { Alert, Table, Text } from "@mantine/core";
import { useTranslation } from "react-i18next";
import type { AllocationPreview as Preview } from "@/features/collections/lib/allocation";
import { formatDate, formatMoney } from "@/lib/format";

const PROBLEM = {
  amount_invalid: "collections:payment.problem_amount",
  overpayment: "collections:payment.problem_overpayment",
  allocation_mismatch: "collections:payment.problem_mismatch",
} as const;

/** What each invoice receives and still owes after the payment; the reason a payment cannot be recorded. */
export function AllocationPreviewTable({
  preview,
  manual,
  onManualChange,
}: {
  preview: Preview;
  manual: Record<string, string> | null;
  onManualChange: (invoiceId: string, amount: string) => void;
}) {
  const { t, i18n } = useTranslation("collections");
  const lang = i18n.language;
  return (
    <>
      {/* Five columns of amounts: in a narrow column of the page the table scrolls inside its card. */}
      <Table.ScrollContainer minWidth={520}>
        <Table aria-label={t("payment.preview")} withTableBorder>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t("payment.invoice")}</Table.Th>
              <Table.Th>{t("payment.due")}</Table.Th>
              <Table.Th ta="right">{t("payment.owed")}</Table.Th>
              <Table.Th ta="right">{t("payment.allocated")}</Table.Th>
              <Table.Th ta="right">{t("payment.owed_after")}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {preview.rows.map((row) => (
              <Table.Tr key={row.invoice.invoice_id} data-testid="allocation-row">
                <Table.Td ff="monospace" style={{ whiteSpace: "nowrap" }}>
                  {row.invoice.invoice_number}
                </Table.Td>
                <Table.Td style={{ whiteSpace: "nowrap" }}>{formatDate(row.invoice.due_date, lang)}</Table.Td>
                <Table.Td ta="right">{formatMoney(row.invoice.outstanding_amount, lang)}</Table.Td>
                <Table.Td ta="right">
                  {manual ? (
                    <input
                      aria-label={t("payment.allocate_to", { number: row.invoice.invoice_number })}
                      value={manual[row.invoice.invoice_id] ?? ""}
                      onChange={(event) => onManualChange(row.invoice.invoice_id, event.currentTarget.value)}
                      style={{ width: 110, textAlign: "right" }}
                    />
                  ) : (
                    formatMoney(row.allocated, lang)
                  )}
                </Table.Td>
                <Table.Td ta="right" c={row.overAllocated ? "red" : undefined}>
                  {formatMoney(row.owedAfter, lang)}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      <Text size="sm">{t("payment.total_owed", { amount: formatMoney(preview.owed, lang) })}</Text>
      {preview.problem && preview.problem !== "amount_invalid" && (
        <Alert color="red" role="alert" data-testid="allocation-problem">
          {t(PROBLEM[preview.problem], { amount: formatMoney(preview.unallocated, lang) })}
        </Alert>
      )}
    </>
  );
}
