import {
  Anchor,
  Badge,
  Button,
  Group,
  Paper,
  SegmentedControl,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from "@mantine/core";
import { useDebouncedCallback } from "@mantine/hooks";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { offerLabels } from "@/features/offers/labels";
import { Link } from "react-router";
import { CsvExportButton } from "@/components/ui/csv-export-button";
import { paths } from "@/config/paths";
import { OFFERS_PER_CATEGORY, useOffers } from "@/features/offers/api/get-offers";
import {
  OFFER_CATEGORIES,
  type Offer,
  type OfferCategory,
  type OfferStatus,
} from "@/features/offers/api/types";
import { describeComponents } from "@/features/offers/components/offer-terms";
import { can } from "@/lib/authorization";
import { formatDate, formatMoney } from "@/lib/format";
import { useSession } from "@/lib/session";
import { useListState } from "@/lib/url-state";

const STATUSES = ["active", "retired", "all"] as const;

function CategoryTable({
  category,
  status,
  q,
}: {
  category: OfferCategory;
  status: OfferStatus | undefined;
  q: string | undefined;
}) {
  const { t, i18n } = useTranslation("offers");
  const offers = useOffers({ category, status, q });
  const rows: Offer[] = offers.data?.items ?? [];
  const headingId = `offers-${category}`;
  return (
    <Paper withBorder radius="md" p="md" component="section" aria-labelledby={headingId}>
      <Group justify="space-between" mb="xs">
        <Title order={2} size="h4" id={headingId}>
          {offerLabels.category(t, category)}
        </Title>
        <Badge variant="light" aria-label={t("list.count", { count: offers.data?.total ?? 0 })}>
          {offers.data?.total ?? "…"}
        </Badge>
      </Group>
      {offers.isError ? (
        <Text c="red.8">{t("list.load_failed")}</Text>
      ) : rows.length === 0 ? (
        <Text c="dimmed" size="sm" py="sm">
          {offers.isPending ? t("list.loading") : t("list.empty")}
        </Text>
      ) : (
        <Table.ScrollContainer minWidth={760}>
          <Table striped highlightOnHover verticalSpacing="xs" aria-labelledby={headingId}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th w="18%">{t("fields.code")}</Table.Th>
                <Table.Th w="22%">{t("fields.name")}</Table.Th>
                <Table.Th>{t("list.components")}</Table.Th>
                <Table.Th ta="right" w={130}>
                  {t("fields.monthly_fee")}
                </Table.Th>
                <Table.Th w={170}>{t("list.validity")}</Table.Th>
                <Table.Th w={120}>{t("list.status")}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {rows.map((offer) => (
                <Table.Tr key={offer.id}>
                  <Table.Td style={{ whiteSpace: "nowrap" }}>
                    <Anchor component={Link} to={paths.offer(offer.id)} ff="monospace" size="sm" fw={600}>
                      {offer.code}
                    </Anchor>
                  </Table.Td>
                  <Table.Td>{offer.name}</Table.Td>
                  <Table.Td>
                    <Text size="sm">
                      {describeComponents(
                        { ...offer, description: offer.description },
                        t,
                        i18n.language,
                      ).join(" · ")}
                    </Text>
                  </Table.Td>
                  <Table.Td ta="right" style={{ whiteSpace: "nowrap" }}>
                    {formatMoney(offer.monthly_fee, i18n.language)}
                  </Table.Td>
                  <Table.Td style={{ whiteSpace: "nowrap" }}>
                    <Text size="sm">
                      {offer.valid_to
                        ? `${formatDate(offer.valid_from, i18n.language)} → ${formatDate(offer.valid_to, i18n.language)}`
                        : t("list.since", { date: formatDate(offer.valid_from, i18n.language) })}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    {/* Never truncated: "En vente" must read whole at 1280 px. */}
                    <Badge
                      color={offer.status === "active" ? "teal.9" : "gray.7"}
                      variant="filled"
                      styles={{ root: { overflow: "visible" }, label: { overflow: "visible" } }}
                    >
                      {offerLabels.status(t, offer.status)}
                    </Badge>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      {(offers.data?.total ?? 0) > OFFERS_PER_CATEGORY && (
        <Text size="xs" c="dimmed" mt="xs">
          {t("list.truncated", { shown: OFFERS_PER_CATEGORY, total: offers.data?.total })}
        </Text>
      )}
    </Paper>
  );
}

/** The catalogue grouped by category (mobile, internet, landline), filtered by status and text in the URL. */
export function OffersList() {
  const { t } = useTranslation("offers");
  const session = useSession();
  const list = useListState<"status" | "q", never>({ filters: ["status", "q"] });
  const statusParam = list.filters.status;
  const status: (typeof STATUSES)[number] = (STATUSES as readonly string[]).includes(statusParam ?? "")
    ? (statusParam as (typeof STATUSES)[number])
    : "active";
  const [search, setSearch] = useState(list.filters.q ?? "");
  const commitSearch = useDebouncedCallback(
    (value: string) => list.setFilter("q", value.trim() || null),
    300,
  );
  const apiStatus = status === "all" ? undefined : status;

  return (
    <Stack gap="md">
      <Group justify="space-between" align="flex-end">
        <div>
          <Title order={1}>{t("list.title")}</Title>
          <Text c="dimmed">{t("list.subtitle")}</Text>
        </div>
        <Group>
          <CsvExportButton
            path="/api/v1/offers/export.csv"
            filters={{ status: apiStatus, q: list.filters.q }}
            fileName="offers.csv"
          />
          {can(session, "offers:write") ? (
            <Button component={Link} to={`${paths.offers}/new`}>
              {t("list.new")}
            </Button>
          ) : (
            <Button disabled title={t("list.not_allowed")}>
              {t("list.new")}
            </Button>
          )}
        </Group>
      </Group>
      <Group align="flex-end">
        <TextInput
          label={t("list.search")}
          placeholder={t("list.search_placeholder")}
          value={search}
          onChange={(event) => {
            setSearch(event.currentTarget.value);
            commitSearch(event.currentTarget.value);
          }}
          w={360}
        />
        <Stack gap={4}>
          <Text size="sm" fw={500} id="offer-status-filter">
            {t("list.status")}
          </Text>
          <SegmentedControl
            aria-labelledby="offer-status-filter"
            value={status}
            onChange={(value) => list.setFilter("status", value === "active" ? null : value)}
            data={STATUSES.map((value) => ({ value, label: offerLabels.statusFilter(t, value) }))}
          />
        </Stack>
      </Group>
      {OFFER_CATEGORIES.map((category) => (
        <CategoryTable key={category} category={category} status={apiStatus} q={list.filters.q} />
      ))}
    </Stack>
  );
}
