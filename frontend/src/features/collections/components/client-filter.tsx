import { Select } from "@mantine/core";
import { useDebouncedValue } from "@mantine/hooks";
import { useState } from "react";
import { useClientOptions } from "@/features/collections/api/lookup-clients";

/** A searchable client picker bound to a client id. */
export function ClientFilter({
  label,
  value,
  onChange,
}: {
  label: string;
  value: string | null;
  onChange: (clientId: string | null) => void;
}) {
  const [search, setSearch] = useState("");
  const [term] = useDebouncedValue(search, 250);
  const clients = useClientOptions(term);
  const data = (clients.data?.items ?? []).map((client) => ({
    value: client.id,
    label: client.display_name,
  }));
  if (value && !data.some((option) => option.value === value)) data.unshift({ value, label: value });
  return (
    <Select
      label={label}
      searchable
      clearable
      data={data}
      value={value}
      onChange={onChange}
      onSearchChange={setSearch}
      searchValue={search}
      filter={({ options }) => options}
      w={220}
    />
  );
}
