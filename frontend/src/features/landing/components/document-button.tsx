import { Button } from "@mantine/core";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { landingUrl } from "@/features/landing/api/client";
import { RefusalAlert } from "@/features/landing/components/refusal";

type Link = { url: string; expires_at: string };

/**
 * Download a PDF through its signed link. Links live 15 minutes: past that, `refresh` asks the API for a
 * fresh one first, so a customer who comes back later still gets the file.
 */
export function DocumentButton({
  link,
  label,
  fileName,
  refresh,
}: {
  link: Link | null | undefined;
  label: string;
  fileName: string;
  refresh?: () => Promise<Link | null | undefined>;
}) {
  const { t } = useTranslation("landing");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  async function open() {
    setBusy(true);
    setError(null);
    try {
      let current = link;
      if ((!current || Date.parse(current.expires_at) <= Date.now() + 5_000) && refresh)
        current = await refresh();
      if (!current) {
        setError(new Error("document_not_available"));
        return;
      }
      const anchor = document.createElement("a");
      anchor.href = await landingUrl(current.url);
      anchor.download = fileName;
      anchor.rel = "noreferrer";
      document.body.append(anchor);
      anchor.click();
      anchor.remove();
    } catch (cause) {
      setError(cause);
    } finally {
      setBusy(false);
    }
  }

  return (
    <>
      <Button
        variant="light"
        loading={busy}
        onClick={() => void open()}
        aria-label={`${label} (${t("pdf")})`}
      >
        {label}
      </Button>
      {error ? <RefusalAlert error={error} /> : null}
    </>
  );
}
