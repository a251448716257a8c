import { AppProvider } from "@/app/provider";
import { AppRouter } from "@/app/router";
import { i18nReady } from "@/lib/i18n";

/** The operator workspace: loaded by main.tsx for every path but /landing. */
export function OperatorApp() {
  return (
    <AppProvider>
      <AppRouter />
    </AppProvider>
  );
}

/** The workspace once its texts are loaded (one language, fetched beside this chunk). */
export async function loadOperatorApp() {
  await i18nReady;
  return OperatorApp;
}
