import { Select } from "@mantine/core";
import { useDebouncedValue } from "@mantine/hooks";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { useClientLookup, useClientSearch } from "@/components/ui/client-queries";
import type { components } from "@/lib/api-types.gen";
import { formatPhone } from "@/lib/format";

type Client = components["schemas"]["ClientRead"];

function clientLabel(client: Client) {
  return [client.display_name, client.cin, client.phone ? formatPhone(client.phone) : null]
    .filter(Boolean)
    .join(" · ");
}

/**
 * Pick a client by searching name, CIN or phone on the server (the list can be long): the provisioning
 * form, the contract, invoice and case filters and the payment page use this one picker. The chosen
 * client keeps its label even when it is not among the current search's answers.
 */
export function ClientPicker({
  value,
  onChange,
  label,
  error,
  required = false,
  w,
}: {
  value: string | null;
  onChange: (clientId: string | null) => void;
  label: string;
  error?: string | undefined;
  required?: boolean;
  w?: number;
}) {
  const { t } = useTranslation();
  const [search, setSearch] = useState("");
  const [typed] = useDebouncedValue(search.trim(), 250);
  const selected = useClientLookup(value);
  // Once a client is chosen the box shows its label: that is not a new search.
  const term = selected.data && typed === clientLabel(selected.data) ? "" : typed;
  const results = useClientSearch(term);
  const options = new Map<string, string>();
  if (selected.data) options.set(selected.data.id, clientLabel(selected.data));
  for (const client of results.data?.items ?? []) options.set(client.id, clientLabel(client));
  return (
    <Select
      label={label}
      placeholder={t("client_picker.placeholder")}
      required={required}
      searchable
      clearable
      w={w}
      value={value || null}
      onChange={(next) => onChange(next || null)}
      searchValue={search}
      onSearchChange={setSearch}
      // The server already filtered by name, CIN or phone: show its answer as is.
      filter={({ options: all }) => all}
      data={[...options].map(([id, text]) => ({ value: id, label: text }))}
      nothingFoundMessage={term.length < 2 ? t("client_picker.type_more") : t("client_picker.no_client")}
      error={error}
    />
  );
}
