import { Alert, Button, Group, Stack, Text } from "@mantine/core";
import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { notifyError } from "@/components/errors/error-notification";
import { apiUrl, downloadFile } from "@/lib/api-client";
import { getSession } from "@/lib/session";

/**
 * The invoice PDF inline (fetched with the operator's token), its SHA-256 and a download button. The digest
 * comes from the invoice (`pdf.sha256`): a page on another origin than the API cannot read the answer's
 * X-Content-SHA256 header, which the API does not list in Access-Control-Expose-Headers.
 */
export function InvoicePdf({
  invoiceId,
  fileName,
  sha256,
}: {
  invoiceId: string;
  fileName: string;
  sha256?: string | null;
}) {
  const { t } = useTranslation("invoices");
  const [state, setState] = useState<{ url: string; sha256: string } | { error: string } | null>(null);
  useEffect(() => {
    const controller = new AbortController();
    let href: string | null = null;
    const session = getSession();
    fetch(apiUrl(`/api/v1/invoices/${invoiceId}/pdf`), {
      headers: session ? { Authorization: `Bearer ${session.accessToken}` } : {},
      signal: controller.signal,
    })
      .then(async (response) => {
        if (!response.ok) {
          const body = (await response.json().catch(() => null)) as { error?: { code?: string } } | null;
          setState({ error: body?.error?.code ?? String(response.status) });
          return;
        }
        const blob = await response.blob();
        href = URL.createObjectURL(blob);
        setState({ url: href, sha256: response.headers.get("X-Content-SHA256") ?? "" });
      })
      .catch(() => undefined);
    return () => {
      controller.abort();
      if (href) URL.revokeObjectURL(href);
    };
  }, [invoiceId]);

  if (state === null) return <Text c="dimmed">{t("detail.pdf_loading")}</Text>;
  if ("error" in state)
    return (
      <Alert color="yellow" title={t("detail.pdf_unavailable")}>
        {t(`errors:codes.${state.error}`, { defaultValue: state.error })}
      </Alert>
    );
  return (
    <Stack gap="xs">
      <Group justify="space-between">
        <Text size="sm">
          {t("detail.sha256")}{" "}
          <Text span ff="monospace" size="xs" data-testid="pdf-sha256">
            {sha256 || state.sha256}
          </Text>
        </Text>
        <Button
          variant="default"
          onClick={() =>
            void downloadFile(`/api/v1/invoices/${invoiceId}/pdf`, fileName).catch((error: unknown) =>
              notifyError(error, t),
            )
          }
        >
          {t("detail.download")}
        </Button>
      </Group>
      <iframe
        title={t("detail.pdf_title")}
        src={state.url}
        style={{ width: "100%", height: 720, border: 0 }}
      />
    </Stack>
  );
}
