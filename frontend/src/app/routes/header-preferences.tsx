import { Group, SegmentedControl, useComputedColorScheme, useMantineColorScheme } from "@mantine/core";
import { useTranslation } from "react-i18next";
import { languages, type Language } from "@/lib/i18n";

const workspaceLanguages = (Object.keys(languages) as Language[]).filter((code) => languages[code].workspace);

/** Language and colour scheme, both remembered in the browser. */
export function HeaderPreferences() {
  const { t, i18n } = useTranslation();
  const { setColorScheme } = useMantineColorScheme();
  const scheme = useComputedColorScheme("light");
  return (
    <Group gap="sm" wrap="nowrap">
      {/* Two languages: one click each, and no combobox library in the first page's weight. */}
      <SegmentedControl
        aria-label={t("header.language")}
        size="xs"
        value={i18n.language}
        onChange={(value) => void i18n.changeLanguage(value)}
        data={workspaceLanguages.map((code) => ({ value: code, label: languages[code].label }))}
      />
      <SegmentedControl
        aria-label={t("header.color_scheme")}
        size="xs"
        value={scheme}
        onChange={(value) => setColorScheme(value)}
        data={[
          { value: "light", label: t("header.light") },
          { value: "dark", label: t("header.dark") },
        ]}
      />
    </Group>
  );
}
