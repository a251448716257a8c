import { Badge, Group, Select, Stack, TextInput } from "@mantine/core";
import { useTranslation } from "react-i18next";
import { useNavigate } from "react-router";
import { ClientPicker } from "@/components/ui/client-picker";
import { CsvExportButton } from "@/components/ui/csv-export-button";
import { ClientName } from "@/components/ui/client-name";
import { ListTable } from "@/components/ui/data-table";
import { useCases, type CasesQuery } from "@/features/collections/api/list-cases";
import { CASE_STATUS_LABEL } from "@/features/collections/components/labels";
import { formatDate, formatMoney } from "@/lib/format";
import type { ListState } from "@/lib/url-state";

export const CASE_FILTERS = ["aging_bucket", "status", "client_id", "overdue_min", "overdue_max"] as const;
export const CASE_SORTABLE = ["days_past_due", "total_overdue", "opened_on", "status"] as const;
type State = ListState<(typeof CASE_FILTERS)[number], (typeof CASE_SORTABLE)[number]>;

export function CasesTable({ state }: { state: State }) {
  const { t, i18n } = useTranslation("collections");
  const navigate = useNavigate();
  const f = state.filters;
  const filters = {
    ...f,
    sort: state.sort ? `${state.sort.direction === "desc" ? "-" : ""}${state.sort.column}` : undefined,
  } as Partial<CasesQuery>;
  const cases = useCases({ ...filters, limit: state.limit, offset: state.offset });
  return (
    <Stack gap="sm">
      <Group align="flex-end" gap="sm">
        <Select
          label={t("cases.bucket")}
          clearable
          w={130}
          value={f.aging_bucket ?? null}
          onChange={(value) => state.setFilter("aging_bucket", value)}
          data={["0-30", "31-60", "61-90", "90+"]}
        />
        <Select
          label={t("cases.status")}
          clearable
          w={170}
          value={f.status ?? null}
          onChange={(value) => state.setFilter("status", value)}
          data={Object.entries(CASE_STATUS_LABEL).map(([value, key]) => ({ value, label: t(key) }))}
        />
        <ClientPicker
          w={220}
          label={t("cases.client")}
          value={f.client_id ?? null}
          onChange={(value) => state.setFilter("client_id", value)}
        />
        <TextInput
          label={t("cases.overdue_min")}
          w={130}
          defaultValue={f.overdue_min ?? ""}
          onBlur={(e) => state.setFilter("overdue_min", e.currentTarget.value || null)}
        />
        <TextInput
          label={t("cases.overdue_max")}
          w={130}
          defaultValue={f.overdue_max ?? ""}
          onBlur={(e) => state.setFilter("overdue_max", e.currentTarget.value || null)}
        />
        <CsvExportButton
          path="/api/v1/collections/cases/export.csv"
          filters={filters as Record<string, string | undefined>}
          fileName="collection-cases.csv"
        />
      </Group>
      <ListTable
        label={t("cases.title")}
        rows={cases.data?.items}
        total={cases.data?.total}
        fetching={cases.isFetching}
        state={state}
        onRowClick={(row) => void navigate(`/collections/cases/${row.id}`)}
        columns={[
          {
            accessor: "client_id",
            title: t("cases.client"),
            render: (row) => (
              <ClientName
                clientId={row.client_id}
                name={row.client_name}
                to={`/collections/cases/${row.id}`}
              />
            ),
          },
          {
            accessor: "status",
            title: t("cases.status"),
            sortable: true,
            render: (row) => <Badge variant="light">{t(CASE_STATUS_LABEL[row.status])}</Badge>,
          },
          { accessor: "aging_bucket", title: t("cases.bucket") },
          { accessor: "days_past_due", title: t("cases.days"), sortable: true, textAlign: "right" },
          { accessor: "overdue_invoice_count", title: t("cases.invoices"), textAlign: "right" },
          {
            accessor: "total_overdue",
            title: t("cases.total"),
            sortable: true,
            textAlign: "right",
            render: (row) => formatMoney(row.total_overdue, i18n.language),
          },
          {
            accessor: "opened_on",
            title: t("cases.opened"),
            sortable: true,
            render: (row) => formatDate(row.opened_on, i18n.language),
          },
        ]}
      />
    </Stack>
  );
}
