import { DataTable, type DataTableColumn, type DataTableSortStatus } from "mantine-datatable";
import { useTranslation } from "react-i18next";
import { PAGE_SIZES, type ListState } from "@/lib/url-state";

type Props<Row, Column extends string> = {
  /** Accessible name of the table. */
  label: string;
  rows: Row[] | undefined;
  total: number | undefined;
  columns: DataTableColumn<Row>[];
  state: Pick<
    ListState<string, Column>,
    "page" | "pageSize" | "sort" | "setPage" | "setPageSize" | "setSort"
  >;
  fetching: boolean;
  idAccessor?: keyof Row & string;
  onRowClick?: (row: Row) => void;
};

/**
 * The workspace's list table: server-side pagination and sort bound to the URL state, with every label
 * through i18n. Row click opens the record; the first column should also hold a real link for keyboards.
 */
export function ListTable<Row, Column extends string>({
  label,
  rows,
  total,
  columns,
  state,
  fetching,
  idAccessor,
  onRowClick,
}: Props<Row, Column>) {
  const { t } = useTranslation();
  // Unsorted lists use the API's own order (newest first); an empty accessor marks no column as sorted.
  const sortStatus: DataTableSortStatus<Row> | undefined = state.sort
    ? { columnAccessor: state.sort.column, direction: state.sort.direction }
    : undefined;
  return (
    <DataTable<Row>
      aria-label={label}
      withTableBorder
      borderRadius="md"
      striped
      highlightOnHover
      minHeight={rows && rows.length > 0 ? undefined : 180}
      records={rows ?? []}
      columns={columns}
      idAccessor={idAccessor ?? "id"}
      fetching={fetching}
      loaderBackgroundBlur={1}
      noRecordsText={t("table.empty")}
      totalRecords={total ?? 0}
      recordsPerPage={state.pageSize}
      page={state.page}
      onPageChange={state.setPage}
      recordsPerPageOptions={[...PAGE_SIZES]}
      onRecordsPerPageChange={state.setPageSize}
      recordsPerPageLabel={t("table.per_page")}
      paginationText={({ from, to, totalRecords }) => t("table.records", { from, to, total: totalRecords })}
      getPaginationControlProps={(control) =>
        control === "previous" || control === "next" ? { "aria-label": t(`table.${control}`) } : {}
      }
      sortStatus={sortStatus ?? { columnAccessor: "", direction: "asc" }}
      onSortStatusChange={(status) =>
        state.setSort({ column: String(status.columnAccessor) as Column, direction: status.direction })
      }
      onRowClick={onRowClick ? ({ record }) => onRowClick(record) : undefined}
    />
  );
}
