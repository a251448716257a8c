import { Anchor, Badge, Button, Group, Select, Stack, TextInput, Title } from "@mantine/core";
import { useDebouncedCallback } from "@mantine/hooks";
import type { DataTableColumn } from "mantine-datatable";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, useNavigate } from "react-router";
import { CsvExportButton } from "@/components/ui/csv-export-button";
import { ListTable } from "@/components/ui/data-table";
import { paths } from "@/config/paths";
import { useClients, useContractCounts, type ClientListQuery } from "@/features/clients/api/list-clients";
import type { ClientRead } from "@/features/clients/api/save-client";
import { StatusBadge } from "@/features/clients/components/status-badge";
import { can } from "@/lib/authorization";
import { formatPhone } from "@/lib/format";
import { useSession } from "@/lib/session";
import { useListState } from "@/lib/url-state";

const FILTERS = ["q", "status", "city"] as const;
const SORTABLE = ["name", "cin", "city", "status"] as const;

/** Clients: search by name, CIN or phone, filter by status and city, sort, page; all kept in the URL. */
export function ClientsList() {
  const { t } = useTranslation(["clients", "common"]);
  const navigate = useNavigate();
  const session = useSession();
  const list = useListState({ filters: FILTERS, sortable: SORTABLE });
  const [search, setSearch] = useState(list.filters.q ?? "");
  const applySearch = useDebouncedCallback((value: string) => list.setFilter("q", value.trim() || null), 300);

  const query: ClientListQuery = {
    limit: list.limit,
    offset: list.offset,
    ...(list.filters.q ? { q: list.filters.q } : {}),
    ...(list.filters.status ? { status: list.filters.status as ClientListQuery["status"] } : {}),
    ...(list.filters.city ? { city: list.filters.city } : {}),
    ...(list.sort
      ? { sort: `${list.sort.direction === "desc" ? "-" : ""}${list.sort.column}` as ClientListQuery["sort"] }
      : {}),
  };
  const clients = useClients(query);
  const ids = (clients.data?.items ?? []).map((client) => client.id);
  const counts = useContractCounts(ids);

  const columns: DataTableColumn<ClientRead>[] = [
    {
      accessor: "name",
      title: t("clients:fields.name"),
      sortable: true,
      render: (client) => (
        <Anchor component={Link} to={paths.client(client.id)} fw={600} onClick={(e) => e.stopPropagation()}>
          {client.display_name}
        </Anchor>
      ),
    },
    { accessor: "cin", title: t("clients:fields.cin"), sortable: true, render: (client) => client.cin },
    { accessor: "phone", title: t("clients:fields.phone"), render: (client) => formatPhone(client.phone) },
    {
      accessor: "city",
      title: t("clients:fields.city"),
      sortable: true,
      render: (client) => client.city ?? "—",
    },
    {
      accessor: "status",
      title: t("clients:fields.status"),
      sortable: true,
      render: (client) => <StatusBadge status={client.status} />,
    },
    {
      accessor: "contracts",
      title: t("clients:fields.contracts_count"),
      textAlign: "right",
      render: (client) => <Badge variant="light">{counts.data?.[client.id] ?? "…"}</Badge>,
    },
  ];

  return (
    <Stack>
      <Group justify="space-between">
        <Title order={1}>{t("clients:title")}</Title>
        <Group>
          <CsvExportButton
            path="/api/v1/clients/export.csv"
            filters={{ ...query, limit: undefined, offset: undefined } as Record<string, string | undefined>}
            fileName="clients.csv"
          />
          {can(session, "clients:write") && (
            <Button component={Link} to={paths.clientNew}>
              {t("clients:new")}
            </Button>
          )}
        </Group>
      </Group>
      <Group align="flex-end">
        <TextInput
          label={t("clients:search")}
          placeholder={t("clients:search_placeholder")}
          value={search}
          onChange={(event) => {
            setSearch(event.currentTarget.value);
            applySearch(event.currentTarget.value);
          }}
          w={340}
          type="search"
        />
        <Select
          label={t("clients:fields.status")}
          placeholder={t("clients:all_statuses")}
          clearable
          value={list.filters.status ?? null}
          onChange={(value) => list.setFilter("status", value)}
          data={(["active", "delinquent", "terminated"] as const).map((status) => ({
            value: status,
            label: t(`common:status.${status}`),
          }))}
          w={200}
        />
        <TextInput
          label={t("clients:fields.city")}
          defaultValue={list.filters.city ?? ""}
          onBlur={(event) => list.setFilter("city", event.currentTarget.value.trim() || null)}
          onKeyDown={(event) => {
            if (event.key === "Enter") list.setFilter("city", event.currentTarget.value.trim() || null);
          }}
          w={200}
        />
      </Group>
      <ListTable<ClientRead, (typeof SORTABLE)[number]>
        label={t("clients:title")}
        rows={clients.data?.items}
        total={clients.data?.total}
        columns={columns}
        state={list}
        fetching={clients.isFetching}
        onRowClick={(client) => void navigate(paths.client(client.id))}
      />
    </Stack>
  );
}
