import { createBrowserRouter, RouterProvider } from "react-router";
import { RouteError } from "@/app/routes/route-error";
import { WorkspaceLayout } from "@/app/routes/workspace-layout";
import { paths } from "@/config/paths";
import { getSession } from "@/lib/session";

/**
 * A first visit without a session goes to login before the router starts: matching `/` would first fetch
 * the asked tab's chunk (the dashboard's, with its charts library) only for the layout to send the visitor
 * to login, which delayed the login form by that download (docs/performance.md). Later in the session,
 * RequireSession does the same with the router's own navigation.
 */
function startAtLoginWhenSignedOut() {
  const { pathname, search, hash } = window.location;
  if (getSession() || pathname.startsWith(paths.login)) return;
  const back = `${pathname}${search}${hash}`;
  window.history.replaceState(window.history.state, "", `${paths.login}?next=${encodeURIComponent(back)}`);
}

// Each tab is its own chunk, loaded when first visited: the entry holds only login and the shell
// (budgets in scripts/check-bundle-budget.mjs).
export function createRouter() {
  startAtLoginWhenSignedOut();
  return createBrowserRouter([
    {
      path: paths.login,
      lazy: async () => ({ Component: (await import("@/app/routes/login")).LoginRoute }),
      errorElement: <RouteError />,
    },
    {
      path: paths.home,
      element: <WorkspaceLayout />,
      errorElement: <RouteError />,
      children: [
        {
          index: true,
          lazy: async () => ({ Component: (await import("@/app/routes/dashboard")).DashboardRoute }),
        },
        {
          path: "clients",
          lazy: async () => ({
            Component: (await import("@/app/routes/clients/clients-list")).ClientsListRoute,
          }),
        },
        {
          path: "clients/new",
          lazy: async () => ({ Component: (await import("@/app/routes/clients/client-new")).ClientNewRoute }),
        },
        {
          path: "clients/:clientId",
          lazy: async () => ({
            Component: (await import("@/app/routes/clients/client-detail")).ClientDetailRoute,
          }),
        },
        {
          path: "clients/:clientId/edit",
          lazy: async () => ({
            Component: (await import("@/app/routes/clients/client-edit")).ClientEditRoute,
          }),
        },
        {
          path: "offers/*",
          lazy: async () => ({ Component: (await import("@/app/routes/offers")).OffersRoute }),
        },
        {
          path: "contracts/*",
          lazy: async () => ({ Component: (await import("@/app/routes/contracts")).ContractsRoute }),
        },
        {
          path: "invoices/*",
          lazy: async () => ({ Component: (await import("@/app/routes/invoices")).InvoicesRoute }),
        },
        {
          path: "collections/*",
          lazy: async () => ({ Component: (await import("@/app/routes/collections")).CollectionsRoute }),
        },
        {
          path: "*",
          lazy: async () => ({ Component: (await import("@/components/layouts/not-found")).NotFoundPage }),
        },
      ],
    },
  ]);
}

export function AppRouter() {
  return <RouterProvider router={createRouter()} />;
}
