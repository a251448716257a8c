import { Badge, Group, Loader, Text } from "@mantine/core";
import { useDebouncedValue } from "@mantine/hooks";
import { createSpotlight, Spotlight, useSpotlight } from "@mantine/spotlight";
import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import type { TFunction } from "i18next";
import { useNavigate } from "react-router";
import { errorMessage } from "@/components/errors/error-notification";
import { paths } from "@/config/paths";
import { useSearchRecords, type SearchHit } from "@/features/search/api/search-records";
import { formatPhone } from "@/lib/format";

const routeOf: Record<SearchHit["kind"], (id: string) => string> = {
  client: paths.client,
  contract: paths.contract,
  offer: paths.offer,
};

/** The line under a record's name, in words: numbers grouped and codes said as the rest of the workspace does. */
function describe(hit: SearchHit, t: TFunction): string {
  const parts =
    hit.kind === "client"
      ? [hit.cin, hit.phone && formatPhone(hit.phone), hit.city]
      : hit.kind === "contract"
        ? [
            t(`contracts:service_type.${hit.serviceType}`, { defaultValue: hit.serviceType }),
            formatPhone(hit.phoneNumber),
            t(`contracts:status.${hit.status}`, { defaultValue: hit.status }),
          ]
        : [
            t(`offers:categories.${hit.category}`, { defaultValue: hit.category }),
            t(`offers:status.${hit.status}`, { defaultValue: hit.status }),
          ];
  return parts.filter(Boolean).join(" · ");
}

/**
 * ⌘K / Ctrl+K: find a client, contract or offer from anywhere; Enter opens the record. Loaded on first
 * use (the shell's hotkey or button), so `registerOpen` hands the shell the way to open it afterwards.
 */
const [searchStore, searchSpotlight] = createSpotlight();

export function GlobalSearch({ registerOpen }: { registerOpen: (open: () => void) => void }) {
  useEffect(() => {
    registerOpen(searchSpotlight.open);
    searchSpotlight.open();
  }, [registerOpen]);
  const { t } = useTranslation(["search", "contracts", "offers", "errors"]);
  const navigate = useNavigate();
  const [query, setQuery] = useState("");
  const [term] = useDebouncedValue(query.trim(), 200);
  const search = useSearchRecords(term);
  const hits = term.length >= 2 ? (search.data ?? []) : [];
  const kinds: SearchHit["kind"][] = ["client", "contract", "offer"];
  // Results arrive after the query changed (debounce, then the request), when Spotlight has already tried
  // to select its first action and found none: Enter with nothing selected opens the first record.
  const selected = useSpotlight(searchStore).selected;
  const open = (hit: SearchHit) => {
    searchSpotlight.close();
    void navigate(routeOf[hit.kind](hit.id));
  };

  return (
    <Spotlight.Root
      store={searchStore}
      query={query}
      onQueryChange={setQuery}
      shortcut={["mod + K"]}
      scrollable
      maxHeight={480}
    >
      <Spotlight.Search
        placeholder={t("placeholder")}
        aria-label={t("placeholder")}
        onKeyDown={(event) => {
          const first = kinds.flatMap((kind) => hits.filter((hit) => hit.kind === kind))[0];
          if (event.key === "Enter" && selected < 0 && first) open(first);
        }}
        rightSection={search.isFetching ? <Loader size="xs" aria-label={t("searching")} /> : null}
      />
      <Spotlight.ActionsList aria-label={t("results")}>
        {term.length < 2 && <Spotlight.Empty>{t("hint")}</Spotlight.Empty>}
        {term.length >= 2 && search.isError && !search.isFetching && (
          <Spotlight.Empty>{t("failed", { reason: errorMessage(search.error, t) })}</Spotlight.Empty>
        )}
        {term.length >= 2 && !search.isFetching && !search.isError && hits.length === 0 && (
          <Spotlight.Empty>{t("nothing_found", { term })}</Spotlight.Empty>
        )}
        {kinds.map((kind) => {
          const group = hits.filter((hit) => hit.kind === kind);
          if (group.length === 0) return null;
          return (
            <Spotlight.ActionsGroup key={kind} label={t(`groups.${kind}`)}>
              {group.map((hit) => (
                <Spotlight.Action key={hit.id} onClick={() => open(hit)}>
                  <Group wrap="nowrap" w="100%" justify="space-between">
                    <div>
                      <Text size="sm" fw={600}>
                        {hit.label}
                      </Text>
                      <Text size="xs" c="dimmed">
                        {describe(hit, t)}
                      </Text>
                    </div>
                    <Badge variant="light" size="sm">
                      {t(`kinds.${kind}`)}
                    </Badge>
                  </Group>
                </Spotlight.Action>
              ))}
            </Spotlight.ActionsGroup>
          );
        })}
      </Spotlight.ActionsList>
    </Spotlight.Root>
  );
}
