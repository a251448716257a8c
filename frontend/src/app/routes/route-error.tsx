import { Alert, Center, Code, Stack, Title } from "@mantine/core";
import { useTranslation } from "react-i18next";
import { useRouteError } from "react-router";

/** Shown instead of a blank page when a route fails to load or render. */
export function RouteError() {
  const error = useRouteError();
  const { t } = useTranslation();
  return (
    <Center mih="60vh" p="xl">
      <Stack maw={560}>
        <Title order={1} size="h2">
          {t("route_error.title")}
        </Title>
        <Alert color="red">{t("route_error.body")}</Alert>
        <Code block>{error instanceof Error ? error.message : String(error)}</Code>
      </Stack>
    </Center>
  );
}
