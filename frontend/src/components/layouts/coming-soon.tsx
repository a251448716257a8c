import { Stack, Text, Title } from "@mantine/core";
import { useTranslation } from "react-i18next";

/** Honest marker for a tab whose module has not landed yet: it says so instead of pretending. */
export function ComingSoon({ title }: { title: string }) {
  const { t } = useTranslation();
  return (
    <Stack py="md">
      <Title order={1}>{title}</Title>
      <Text fw={600}>{t("coming_soon.title")}</Text>
      <Text>{t("coming_soon.body")}</Text>
    </Stack>
  );
}
