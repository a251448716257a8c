import { Button } from "@mantine/core";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { notifyError } from "@/components/errors/error-notification";
import { downloadFile } from "@/lib/api-client";

/**
 * Export the filtered rows of a list as CSV: the same filters as the table, without pagination, streamed
 * by the backend's export endpoint for that list (same roles as the list).
 */
export function CsvExportButton({
  path,
  filters,
  fileName,
}: {
  path: `/api/v1/${string}`;
  filters: Record<string, string | undefined>;
  fileName: string;
}) {
  const { t } = useTranslation();
  const [busy, setBusy] = useState(false);
  const query = new URLSearchParams(
    Object.entries(filters).filter((entry): entry is [string, string] => !!entry[1]),
  ).toString();
  return (
    <Button
      variant="default"
      loading={busy}
      onClick={() => {
        setBusy(true);
        downloadFile(query ? `${path}?${query}` : path, fileName)
          .catch((error: unknown) => notifyError(error, t))
          .finally(() => setBusy(false));
      }}
    >
      {busy ? t("actions.exporting") : t("actions.export_csv")}
    </Button>
  );
}
