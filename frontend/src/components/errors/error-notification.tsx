import { ActionIcon, CopyButton, Group, Stack, Text, Tooltip } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import type { TFunction } from "i18next";
import { ApiError } from "@/lib/api-error";

/** The message of an error for people: keyed on its machine code, the API's own message as fallback. */
export function errorMessage(error: unknown, t: TFunction): string {
  if (error instanceof ApiError) {
    return t(`errors:codes.${error.code}`, { defaultValue: error.message || t("errors:generic") });
  }
  return t("errors:generic");
}

// Drawn rather than typed: "⧉" and "✓" are missing from common system fonts and showed as an empty box.
function CopyIcon({ copied }: { copied: boolean }) {
  return (
    <svg
      width="12"
      height="12"
      viewBox="0 0 16 16"
      fill="none"
      stroke="currentColor"
      strokeWidth="1.6"
      aria-hidden
    >
      {copied ? (
        <path d="M3 8.5l3.2 3L13 4.5" strokeLinecap="round" strokeLinejoin="round" />
      ) : (
        <>
          <rect x="5.5" y="5.5" width="8" height="8" rx="1.5" />
          <path d="M10.5 3.5v-.5A1.5 1.5 0 0 0 9 1.5H4A1.5 1.5 0 0 0 2.5 3v5A1.5 1.5 0 0 0 4 9.5h.5" />
        </>
      )}
    </svg>
  );
}

function CorrelationLine({ correlationId, t }: { correlationId: string; t: TFunction }) {
  return (
    <Group gap={4} wrap="nowrap">
      <Text size="xs" c="dimmed">
        {t("errors:correlation_id")}
      </Text>
      <Text size="xs" ff="monospace" data-testid="correlation-id">
        {correlationId}
      </Text>
      <CopyButton value={correlationId}>
        {({ copied, copy }) => (
          <Tooltip label={copied ? t("errors:copied") : t("errors:copy_correlation_id")} withArrow>
            <ActionIcon
              size="xs"
              variant="subtle"
              onClick={copy}
              aria-label={t("errors:copy_correlation_id")}
            >
              <CopyIcon copied={copied} />
            </ActionIcon>
          </Tooltip>
        )}
      </CopyButton>
    </Group>
  );
}

/**
 * Show an error as a toast with its correlation id, copyable, so support can find the request in the
 * logs. Validation errors already placed on form fields should not come here.
 */
export function notifyError(error: unknown, t: TFunction, title?: string) {
  const correlationId = error instanceof ApiError ? error.correlationId : null;
  notifications.show({
    color: "red",
    title: title ?? t("errors:title"),
    autoClose: 12_000,
    message: (
      <Stack gap={4}>
        <Text size="sm">{errorMessage(error, t)}</Text>
        {correlationId && <CorrelationLine correlationId={correlationId} t={t} />}
      </Stack>
    ),
  });
}
