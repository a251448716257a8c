import { Alert, Center, Code, List, Loader, Stack, Text, Title } from "@mantine/core";
import { createContext, useContext, useEffect, useState, type ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { apiBaseCandidates, envProblem } from "@/config/env";
import { setApiBaseUrl } from "@/lib/api-client";
import { discoverBackend, type CandidateVerdict, type Discovery } from "@/lib/backend-discovery";

const BackendContext = createContext<string>("");

/** The base URL chosen by discovery (the page's own origin when FastAPI serves the build). */
export function useBackendUrl(): string {
  return useContext(BackendContext);
}

function Reason({ verdict }: { verdict: Extract<CandidateVerdict, { ok: false }> }) {
  const { t } = useTranslation();
  return (
    <List.Item>
      {t(`backend.reason_${verdict.reason}`, {
        url: verdict.baseUrl,
        paths: (verdict.missing ?? []).join(", "),
      })}
    </List.Item>
  );
}

/**
 * Spec 11.1: the workspace starts only once it has found a backend that fits, and says plainly which one it
 * uses, or why none fits.
 */
export function BackendGate({ children }: { children: ReactNode }) {
  const { t } = useTranslation();
  const [discovery, setDiscovery] = useState<Discovery | null>(null);

  useEffect(() => {
    if (envProblem) return;
    let cancelled = false;
    void discoverBackend(apiBaseCandidates).then((result) => {
      if (cancelled) return;
      if (result.chosen) setApiBaseUrl(result.chosen);
      setDiscovery(result);
    });
    return () => {
      cancelled = true;
    };
  }, []);

  if (envProblem) {
    return (
      <Center mih="100vh" p="xl">
        <Alert color="red" title={t("backend.none_fits")} role="alert">
          {t("backend.config_problem", { problem: envProblem })}
        </Alert>
      </Center>
    );
  }
  if (!discovery) {
    return (
      <Center mih="100vh">
        <Stack align="center">
          <Loader aria-label={t("backend.checking")} />
          <Text>{t("backend.checking")}</Text>
        </Stack>
      </Center>
    );
  }
  if (!discovery.chosen) {
    return (
      <Center mih="100vh" p="xl">
        <Stack maw={640}>
          <Title order={1} size="h2">
            {t("backend.none_fits")}
          </Title>
          <Text>{t("backend.none_fits_help")}</Text>
          <Alert color="red" role="alert">
            <List>
              {discovery.verdicts.map((verdict) =>
                verdict.ok ? null : <Reason key={verdict.baseUrl} verdict={verdict} />,
              )}
            </List>
          </Alert>
          <Text size="sm">
            VITE_API_BASE_URL = <Code>{apiBaseCandidates.join(",") || "(same origin)"}</Code>
          </Text>
        </Stack>
      </Center>
    );
  }
  return <BackendContext.Provider value={discovery.chosen}>{children}</BackendContext.Provider>;
}
