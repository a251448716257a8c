import { AppProvider } from "@/app/provider";
import { AppRouter } from "@/app/router";

/** The operator workspace: loaded by main.tsx for every path but /landing. */
export function OperatorApp() {
  return (
    <AppProvider>
      <AppRouter />
    </AppProvider>
  );
}
