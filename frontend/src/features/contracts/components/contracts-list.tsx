import { Anchor, Badge, Box, Button, Group, Select, Stack, Text, TextInput, Title } from "@mantine/core";
import { useDebouncedCallback } from "@mantine/hooks";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, useNavigate } from "react-router";
import { ClientPicker } from "@/components/ui/client-picker";
import { CsvExportButton } from "@/components/ui/csv-export-button";
import { ListTable } from "@/components/ui/data-table";
import { paths } from "@/config/paths";
import { useCatalogue } from "@/features/contracts/api/get-catalogue";
import { useContracts } from "@/features/contracts/api/get-contracts";
import type { Contract, ContractStatus, ServiceCategory } from "@/features/contracts/api/types";
import { OfferPicker } from "@/features/contracts/components/offer-picker";
import { contractLabels, statusColor } from "@/features/contracts/labels";
import { can } from "@/lib/authorization";
import { formatDate, formatMoney, formatPhone } from "@/lib/format";
import { useSession } from "@/lib/session";
import { useListState } from "@/lib/url-state";

const FILTERS = ["client", "offer", "service", "status", "q"] as const;
const SERVICES: ServiceCategory[] = ["mobile", "internet", "landline"];
const STATUSES: ContractStatus[] = ["active", "suspended", "terminated"];

function oneOf<T extends string>(values: readonly T[], value: string | undefined): T | undefined {
  return (values as readonly string[]).includes(value ?? "") ? (value as T) : undefined;
}

/** Contracts, newest first, filtered by client, offer, service and status, all kept in the URL. */
export function ContractsList() {
  const { t, i18n } = useTranslation("contracts");
  const session = useSession();
  const navigate = useNavigate();
  const list = useListState<(typeof FILTERS)[number], never>({ filters: FILTERS });
  const service = oneOf(SERVICES, list.filters.service);
  const status = oneOf(STATUSES, list.filters.status);
  const filters = {
    client_id: list.filters.client,
    offer_id: list.filters.offer,
    service,
    status,
    q: list.filters.q,
  };
  const contracts = useContracts({ ...filters, limit: list.limit, offset: list.offset });
  const catalogue = useCatalogue();
  const rows = contracts.data?.items;
  const [search, setSearch] = useState(list.filters.q ?? "");
  const commitSearch = useDebouncedCallback(
    (value: string) => list.setFilter("q", value.trim() || null),
    300,
  );
  const language = i18n.language;

  return (
    <Stack gap="md">
      <Group justify="space-between" align="flex-end">
        <div>
          <Title order={1}>{t("list.title")}</Title>
          <Text c="dimmed">{t("list.subtitle")}</Text>
        </div>
        <Group>
          <CsvExportButton path="/api/v1/contracts/export.csv" filters={filters} fileName="contracts.csv" />
          <Button component={Link} to={`${paths.contracts}/new`} disabled={!can(session, "contracts:write")}>
            {t("list.new")}
          </Button>
        </Group>
      </Group>
      {/* One row of filters that share the width (they wrapped onto two rows at 1280 px with fixed widths). */}
      <Box
        style={{
          display: "grid",
          gridTemplateColumns:
            "minmax(140px, 1fr) minmax(180px, 1.4fr) minmax(180px, 1.4fr) minmax(110px, 0.8fr) minmax(110px, 0.8fr) max-content",
          gap: "var(--mantine-spacing-sm)",
          alignItems: "end",
        }}
      >
        <TextInput
          label={t("list.search")}
          placeholder={t("list.search_placeholder")}
          value={search}
          onChange={(event) => {
            setSearch(event.currentTarget.value);
            commitSearch(event.currentTarget.value);
          }}
        />
        <ClientPicker
          label={t("fields.client")}
          value={list.filters.client ?? null}
          onChange={(id) => list.setFilter("client", id)}
        />
        <OfferPicker
          label={t("fields.offer")}
          onSale={false}
          value={list.filters.offer ?? ""}
          onChange={(id) => list.setFilter("offer", id || null)}
        />
        <Select
          label={t("fields.service")}
          placeholder={t("list.any")}
          clearable
          value={service ?? null}
          onChange={(value) => list.setFilter("service", value)}
          data={SERVICES.map((value) => ({ value, label: contractLabels.service(t, value) }))}
        />
        <Select
          label={t("fields.status")}
          placeholder={t("list.any")}
          clearable
          value={status ?? null}
          onChange={(value) => list.setFilter("status", value)}
          data={STATUSES.map((value) => ({ value, label: contractLabels.status(t, value) }))}
        />
        {/* Kept in its cell (disabled, not removed) so the filters do not shift when one is set. */}
        <Button
          variant="subtle"
          disabled={!Object.values(list.filters).some(Boolean)}
          onClick={() => {
            setSearch("");
            list.clearFilters();
          }}
        >
          {t("list.clear")}
        </Button>
      </Box>
      <ListTable<Contract, never>
        label={t("list.title")}
        rows={rows}
        total={contracts.data?.total}
        state={list}
        fetching={contracts.isFetching}
        onRowClick={(row) => void navigate(paths.contract(row.id))}
        columns={[
          {
            accessor: "contract_number",
            title: t("fields.contract"),
            noWrap: true,
            render: (row) => (
              <Anchor
                component={Link}
                to={paths.contract(row.id)}
                ff="monospace"
                size="sm"
                fw={600}
                onClick={(event) => event.stopPropagation()}
              >
                {row.contract_number}
              </Anchor>
            ),
          },
          {
            accessor: "client_id",
            title: t("fields.client"),
            render: (row) => row.client_name ?? "—",
          },
          {
            accessor: "offer_id",
            title: t("fields.offer"),
            render: (row) => {
              const offer = catalogue.data?.byId.get(row.offer_id);
              return offer ? `${offer.code} — ${offer.name}` : "…";
            },
          },
          {
            accessor: "phone_number",
            title: t("fields.line"),
            noWrap: true,
            render: (row) => (
              <Text size="sm" style={{ whiteSpace: "nowrap" }}>
                {formatPhone(row.phone_number)} · {contractLabels.serviceType(t, row.service_type)}
              </Text>
            ),
          },
          {
            accessor: "status",
            title: t("fields.status"),
            noWrap: true,
            render: (row) => (
              <Badge
                variant="light"
                color={statusColor[row.status]}
                styles={{ root: { overflow: "visible" }, label: { overflow: "visible" } }}
              >
                {contractLabels.status(t, row.status)}
              </Badge>
            ),
          },
          {
            accessor: "start_date",
            title: t("fields.start_date"),
            noWrap: true,
            render: (row) => formatDate(row.start_date, language),
          },
          {
            accessor: "monthly_fee",
            title: t("fields.monthly_fee"),
            textAlign: "right",
            noWrap: true,
            render: (row) => formatMoney(row.monthly_fee, language),
          },
        ]}
      />
    </Stack>
  );
}
