import { Button, Stack, Text, Title } from "@mantine/core";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { paths } from "@/config/paths";

/**
 * The page for an address the workspace does not know. The top-level router and each tab's own nested
 * routes end on it: a nested `<Routes>` that matches nothing renders nothing, which left a blank page.
 */
export function NotFoundPage() {
  const { t } = useTranslation();
  return (
    <Stack align="flex-start" py="xl">
      <Title order={1}>{t("not_found.title")}</Title>
      <Text>{t("not_found.body")}</Text>
      <Button component={Link} to={paths.home} variant="light">
        {t("not_found.home")}
      </Button>
    </Stack>
  );
}
