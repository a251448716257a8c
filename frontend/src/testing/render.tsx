import { MantineProvider } from "@mantine/core";
import { ModalsProvider } from "@mantine/modals";
import { Notifications } from "@mantine/notifications";
import { QueryClientProvider } from "@tanstack/react-query";
import { render, type RenderOptions } from "@testing-library/react";
import { useState, type ReactElement, type ReactNode } from "react";
import { I18nextProvider } from "react-i18next";
import { createMemoryRouter, RouterProvider, type RouteObject } from "react-router";
import { localizedTheme } from "@/app/theme";
import { setApiBaseUrl } from "@/lib/api-client";
import { allLocaleResources, createI18n, type Language } from "@/lib/i18n";
import { createQueryClient } from "@/lib/react-query";
import { startSession, type Role } from "@/lib/session";
import { API } from "@/testing/server";

// Every language loaded once, so a test renders synchronously in the language it asks for.
const resources = await allLocaleResources();

export function signInAs(...roles: Role[]) {
  startSession({
    accessToken: "test-token",
    username: "test-user",
    roles,
    expiresAt: Date.now() + 3_600_000,
  });
}

function Providers({ children, language }: { children: ReactNode; language: Language }) {
  const [i18n] = useState(() => createI18n(language, resources).instance);
  return (
    <I18nextProvider i18n={i18n}>
      <MantineProvider theme={localizedTheme(i18n.t("common:close"))}>
        <QueryClientProvider client={createQueryClient()}>
          <ModalsProvider>
            <Notifications />
            {children}
          </ModalsProvider>
        </QueryClientProvider>
      </MantineProvider>
    </I18nextProvider>
  );
}

/**
 * Render a page inside the real providers and a memory router. `routes` lets a test place the element
 * at its real path (with params) and add the pages it navigates to.
 */
export function renderPage(
  element: ReactElement,
  {
    path = "/",
    url = path,
    routes = [],
    language = "en",
    ...options
  }: { path?: string; url?: string; routes?: RouteObject[]; language?: Language } & RenderOptions = {},
) {
  setApiBaseUrl(API);
  const router = createMemoryRouter([{ path, element }, ...routes], { initialEntries: [url] });
  const view = render(
    <Providers language={language}>
      <RouterProvider router={router} />
    </Providers>,
    options,
  );
  return { ...view, router };
}
