import { useCallback, useMemo } from "react";
import { useSearchParams } from "react-router";

export const PAGE_SIZES = [25, 50, 100] as const;
const DEFAULT_PAGE_SIZE = 25;

export type SortState<Column extends string> = { column: Column; direction: "asc" | "desc" };

export type ListState<Filter extends string, Column extends string> = {
  page: number;
  pageSize: number;
  sort: SortState<Column> | null;
  filters: Partial<Record<Filter, string>>;
  setPage: (page: number) => void;
  setPageSize: (pageSize: number) => void;
  setSort: (sort: SortState<Column> | null) => void;
  /** Change one filter; the page goes back to 1 since the old page may no longer exist. */
  setFilter: (name: Filter, value: string | null) => void;
  clearFilters: () => void;
  /** The offset/limit pair the API takes. */
  limit: number;
  offset: number;
};

/**
 * A list's filters, sort and page live in the URL (`?q=…&status=…&sort=name:asc&page=2&size=50`), so a link
 * can be shared and Back restores the list as it was. Unknown or malformed values fall back to defaults.
 */
export function useListState<Filter extends string, Column extends string>(config: {
  filters: readonly Filter[];
  sortable?: readonly Column[];
}): ListState<Filter, Column> {
  const [params, setParams] = useSearchParams();
  const { filters: filterNames, sortable = [] } = config;

  const page = Math.max(1, Number.parseInt(params.get("page") ?? "1", 10) || 1);
  const sizeParam = Number.parseInt(params.get("size") ?? "", 10);
  const pageSize = (PAGE_SIZES as readonly number[]).includes(sizeParam) ? sizeParam : DEFAULT_PAGE_SIZE;
  const sortParam = params.get("sort");
  const sort = useMemo<SortState<Column> | null>(() => {
    const [column, direction] = (sortParam ?? "").split(":");
    if (!column || !(sortable as readonly string[]).includes(column)) return null;
    return { column: column as Column, direction: direction === "desc" ? "desc" : "asc" };
  }, [sortParam, sortable]);
  const filterKey = filterNames.map((name) => `${name}=${params.get(name) ?? ""}`).join("&");
  const filters = useMemo(() => {
    const values: Partial<Record<Filter, string>> = {};
    for (const name of filterNames) {
      const value = params.get(name);
      if (value) values[name] = value;
    }
    return values;
    // filterKey captures exactly the parameters read here.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [filterKey]);

  const update = useCallback(
    (change: (next: URLSearchParams) => void) =>
      setParams(
        (current) => {
          const next = new URLSearchParams(current);
          change(next);
          return next;
        },
        { replace: false },
      ),
    [setParams],
  );

  return {
    page,
    pageSize,
    sort,
    filters,
    limit: pageSize,
    offset: (page - 1) * pageSize,
    setPage: (value) =>
      update((next) => (value <= 1 ? next.delete("page") : next.set("page", String(value)))),
    setPageSize: (value) =>
      update((next) => {
        next.set("size", String(value));
        next.delete("page");
      }),
    setSort: (value) =>
      update((next) => {
        if (value) next.set("sort", `${value.column}:${value.direction}`);
        else next.delete("sort");
        next.delete("page");
      }),
    setFilter: (name, value) =>
      update((next) => {
        if (value) next.set(name, value);
        else next.delete(name);
        next.delete("page");
      }),
    clearFilters: () =>
      update((next) => {
        for (const name of filterNames) next.delete(name);
        next.delete("page");
      }),
  };
}
