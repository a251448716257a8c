import { Anchor, Group, Select, Stack, TextInput } from "@mantine/core";
import { useDebouncedCallback } from "@mantine/hooks";
import { useTranslation } from "react-i18next";
import { Link, useNavigate } from "react-router";
import { ClientPicker } from "@/components/ui/client-picker";
import { CsvExportButton } from "@/components/ui/csv-export-button";
import { ListTable } from "@/components/ui/data-table";
import { useInvoices, type InvoicesQuery } from "@/features/invoices/api/list-invoices";
import { useOfferOptions } from "@/features/invoices/api/lookup-options";
import { InvoiceStatusBadge } from "@/features/invoices/components/status-badge";
import { formatDate, formatMoney } from "@/lib/format";
import { useListState } from "@/lib/url-state";

const FILTERS = [
  "client_id",
  "service",
  "offer_id",
  "status",
  "period_start",
  "period_end",
  "invoice_number",
  "total_min",
  "total_max",
] as const;
const SORTABLE = [
  "invoice_number",
  "issue_date",
  "due_date",
  "period_start",
  "total",
  "outstanding_amount",
  "status",
] as const;
type Sortable = (typeof SORTABLE)[number];

function DebouncedInput({
  label,
  value,
  onChange,
  placeholder,
}: {
  label: string;
  value: string | undefined;
  onChange: (value: string | null) => void;
  placeholder?: string;
}) {
  const change = useDebouncedCallback((next: string) => onChange(next.trim() || null), 400);
  return (
    <TextInput
      label={label}
      defaultValue={value ?? ""}
      placeholder={placeholder}
      onChange={(event) => change(event.currentTarget.value)}
      w={150}
    />
  );
}

/** The invoices list: filters, sort and page in the URL, CSV of the filtered rows. */
export function InvoicesTable({
  fixedFilters = {},
  showFilters = true,
}: {
  fixedFilters?: Partial<InvoicesQuery>;
  showFilters?: boolean;
}) {
  const { t, i18n } = useTranslation("invoices");
  const state = useListState<(typeof FILTERS)[number], Sortable>({ filters: FILTERS, sortable: SORTABLE });
  const offers = useOfferOptions();
  const navigate = useNavigate();
  const f = state.filters;
  const filters = {
    ...f,
    ...fixedFilters,
    sort: state.sort ? `${state.sort.direction === "desc" ? "-" : ""}${state.sort.column}` : undefined,
  } as Partial<InvoicesQuery>;
  const invoices = useInvoices({ ...filters, limit: state.limit, offset: state.offset });
  const csvFilters = Object.fromEntries(
    Object.entries(filters).map(([name, value]) => [name, value === undefined ? undefined : String(value)]),
  );
  return (
    <Stack gap="sm">
      <Group align="flex-end" gap="sm" wrap="wrap">
        {showFilters && (
          <>
            <ClientPicker
              w={220}
              label={t("filters.client")}
              value={f.client_id ?? null}
              onChange={(value) => state.setFilter("client_id", value)}
            />
            <Select
              label={t("filters.service")}
              clearable
              w={150}
              value={f.service ?? null}
              onChange={(value) => state.setFilter("service", value)}
              data={[
                { value: "mobile", label: t("service.mobile") },
                { value: "internet", label: t("service.internet") },
                { value: "landline", label: t("service.landline") },
              ]}
            />
            <Select
              label={t("filters.offer")}
              clearable
              searchable
              w={200}
              value={f.offer_id ?? null}
              onChange={(value) => state.setFilter("offer_id", value)}
              data={(offers.data?.items ?? []).map((offer) => ({
                value: offer.id,
                label: `${offer.code} — ${offer.name}`,
              }))}
            />
            <Select
              label={t("filters.status")}
              clearable
              w={140}
              value={f.status ?? null}
              onChange={(value) => state.setFilter("status", value)}
              data={[
                { value: "issued", label: t("status.issued") },
                { value: "overdue", label: t("status.overdue") },
                { value: "paid", label: t("status.paid") },
                { value: "draft", label: t("status.draft") },
              ]}
            />
            <TextInput
              type="date"
              label={t("filters.period_start")}
              value={f.period_start ?? ""}
              onChange={(event) => state.setFilter("period_start", event.currentTarget.value || null)}
              w={160}
            />
            <TextInput
              type="date"
              label={t("filters.period_end")}
              value={f.period_end ?? ""}
              onChange={(event) => state.setFilter("period_end", event.currentTarget.value || null)}
              w={160}
            />
            <DebouncedInput
              label={t("filters.number")}
              placeholder="FAC-2026-000001"
              value={f.invoice_number}
              onChange={(value) => state.setFilter("invoice_number", value)}
            />
            <DebouncedInput
              label={t("filters.total_min")}
              value={f.total_min}
              onChange={(value) => state.setFilter("total_min", value)}
            />
            <DebouncedInput
              label={t("filters.total_max")}
              value={f.total_max}
              onChange={(value) => state.setFilter("total_max", value)}
            />
          </>
        )}
        <CsvExportButton path="/api/v1/invoices/export.csv" filters={csvFilters} fileName="invoices.csv" />
      </Group>
      {invoices.isError && <div role="alert">{invoices.error.message}</div>}
      <ListTable
        label={t("list.title")}
        rows={invoices.data?.items}
        total={invoices.data?.total}
        fetching={invoices.isFetching}
        state={state}
        onRowClick={(invoice) => void navigate(`/invoices/${invoice.id}`)}
        columns={[
          {
            accessor: "invoice_number",
            title: t("list.number"),
            sortable: true,
            render: (invoice) => (
              <Anchor component={Link} to={`/invoices/${invoice.id}`} ff="monospace">
                {invoice.invoice_number ?? t("list.draft")}
              </Anchor>
            ),
          },
          {
            accessor: "period_start",
            title: t("list.period"),
            sortable: true,
            render: (invoice) =>
              `${formatDate(invoice.period_start, i18n.language)} – ${formatDate(invoice.period_end, i18n.language)}`,
          },
          {
            accessor: "issue_date",
            title: t("list.issued"),
            sortable: true,
            render: (invoice) => formatDate(invoice.issue_date, i18n.language),
          },
          {
            accessor: "due_date",
            title: t("list.due"),
            sortable: true,
            render: (invoice) => formatDate(invoice.due_date, i18n.language),
          },
          {
            accessor: "status",
            title: t("list.status"),
            sortable: true,
            render: (invoice) => <InvoiceStatusBadge status={invoice.status} />,
          },
          {
            accessor: "total",
            title: t("list.total"),
            sortable: true,
            textAlign: "right",
            render: (invoice) => formatMoney(invoice.total, i18n.language),
          },
          {
            accessor: "outstanding_amount",
            title: t("list.outstanding"),
            sortable: true,
            textAlign: "right",
            render: (invoice) => formatMoney(invoice.outstanding_amount, i18n.language),
          },
        ]}
      />
    </Stack>
  );
}
