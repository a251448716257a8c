import { Badge } from "@mantine/core";
import { useTranslation } from "react-i18next";

const COLOR = {
  draft: "gray",
  issued: "blue",
  overdue: "red",
  paid: "green",
  discarded: "gray",
  credited: "violet",
} as const;
const LABEL = {
  draft: "invoices:status.draft",
  issued: "invoices:status.issued",
  overdue: "invoices:status.overdue",
  paid: "invoices:status.paid",
  discarded: "invoices:status.discarded",
  // Fully cancelled by credit notes (issue 14): nothing left to collect.
  credited: "invoices:status.credited",
} as const;
export type InvoiceStatus = keyof typeof COLOR;

export function InvoiceStatusBadge({ status }: { status: InvoiceStatus }) {
  const { t } = useTranslation();
  return (
    <Badge color={COLOR[status]} variant="light">
      {t(LABEL[status])}
    </Badge>
  );
}
