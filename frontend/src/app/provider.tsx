import "@mantine/core/styles.layer.css";
import "@mantine/notifications/styles.layer.css";
import "@mantine/spotlight/styles.layer.css";
import "mantine-datatable/styles.layer.css";
import "@/app/global.css";

import { DirectionProvider, localStorageColorSchemeManager, MantineProvider } from "@mantine/core";
import { ModalsProvider } from "@mantine/modals";
import { Notifications } from "@mantine/notifications";
import { QueryClientProvider } from "@tanstack/react-query";
import { useMemo, useState, type ReactNode } from "react";
import { I18nextProvider, useTranslation } from "react-i18next";
import { BackendGate } from "@/app/backend-gate";
import { cssVariablesResolver, localizedTheme } from "@/app/theme";
import { i18n } from "@/lib/i18n";
import { createQueryClient } from "@/lib/react-query";

const colorSchemeManager = localStorageColorSchemeManager({ key: "mtf.color-scheme" });

/** Mantine with the theme in the page's language (re-made when the language changes). */
function WorkspaceMantine({ children }: { children: ReactNode }) {
  const { t } = useTranslation("common");
  const close = t("close");
  const theme = useMemo(() => localizedTheme(close), [close]);
  return (
    <MantineProvider
      theme={theme}
      cssVariablesResolver={cssVariablesResolver}
      colorSchemeManager={colorSchemeManager}
      defaultColorScheme="light"
    >
      {children}
    </MantineProvider>
  );
}

export function AppProvider({ children }: { children: ReactNode }) {
  const [queryClient] = useState(createQueryClient);
  return (
    <I18nextProvider i18n={i18n}>
      <DirectionProvider>
        <WorkspaceMantine>
          <QueryClientProvider client={queryClient}>
            <ModalsProvider>
              <Notifications position="top-right" />
              <BackendGate>{children}</BackendGate>
            </ModalsProvider>
          </QueryClientProvider>
        </WorkspaceMantine>
      </DirectionProvider>
    </I18nextProvider>
  );
}
