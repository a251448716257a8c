import { Select } from "@mantine/core";
import { useDebouncedValue } from "@mantine/hooks";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { useClient, useClientSearch } from "@/features/contracts/api/get-client";
import type { ContractClient } from "@/features/contracts/api/types";
import { formatPhone } from "@/lib/format";

function clientLabel(client: ContractClient) {
  return [client.display_name, client.cin, client.phone ? formatPhone(client.phone) : null]
    .filter(Boolean)
    .join(" · ");
}

/** Pick a client by searching name, CIN or phone on the server (the list can be long). */
export function ClientPicker({
  value,
  onChange,
  label,
  error,
  required = false,
  w,
}: {
  value: string;
  onChange: (clientId: string) => void;
  label: string;
  error?: string | undefined;
  required?: boolean;
  w?: number;
}) {
  const { t } = useTranslation("contracts");
  const [search, setSearch] = useState("");
  const [typed] = useDebouncedValue(search.trim(), 250);
  const selected = useClient(value || undefined);
  // Once a client is chosen the box shows its label: that is not a new search.
  const term = selected.data && typed === clientLabel(selected.data) ? "" : typed;
  const results = useClientSearch(term);
  const options = new Map<string, string>();
  if (selected.data) options.set(selected.data.id, clientLabel(selected.data));
  for (const client of results.data?.items ?? []) options.set(client.id, clientLabel(client));
  return (
    <Select
      label={label}
      placeholder={t("picker.client_placeholder")}
      required={required}
      searchable
      clearable
      w={w}
      value={value || null}
      onChange={(next) => onChange(next ?? "")}
      searchValue={search}
      onSearchChange={setSearch}
      // The server already filtered by name, CIN or phone: show its answer as is.
      filter={({ options: all }) => all}
      data={[...options].map(([id, text]) => ({ value: id, label: text }))}
      nothingFoundMessage={term.length < 2 ? t("picker.type_more") : t("picker.no_client")}
      error={error}
    />
  );
}
