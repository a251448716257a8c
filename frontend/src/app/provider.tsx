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
import { cssVariablesResolver, localisedTheme } from "@/app/theme";
import { i18n } from "@/lib/i18n";
import { createQueryClient } from "@/lib/react-query";

const colorSchemeManager = localStorageColorSchemeManager({ key: "mtf.color-scheme" });

export function AppProvider({ children }: { children: ReactNode }) {
  return (
    <I18nextProvider i18n={i18n}>
      <DirectionProvider>
        <ThemedApp>{children}</ThemedApp>
      </DirectionProvider>
    </I18nextProvider>
  );
}

function ThemedApp({ children }: { children: ReactNode }) {
  const [queryClient] = useState(createQueryClient);
  const { t } = useTranslation();
  // react-i18next hands out a new t when the language changes: the theme's words follow the page.
  const theme = useMemo(() => localisedTheme(t), [t]);
  return (
    <MantineProvider
      theme={theme}
      cssVariablesResolver={cssVariablesResolver}
      colorSchemeManager={colorSchemeManager}
      defaultColorScheme="light"
    >
      <QueryClientProvider client={queryClient}>
        <ModalsProvider>
          <Notifications position="top-right" />
          <BackendGate>{children}</BackendGate>
        </ModalsProvider>
      </QueryClientProvider>
    </MantineProvider>
  );
}
