import type { ReactNode } from "react";
import { Navigate, useLocation } from "react-router";
import { paths } from "@/config/paths";
import { useSession } from "@/lib/session";

/** Pages of the workspace need a session; without one, go to login and come back here afterwards. */
export function RequireSession({ children }: { children: ReactNode }) {
  const session = useSession();
  const location = useLocation();
  if (!session) {
    const back = `${location.pathname}${location.search}${location.hash}`;
    return <Navigate to={`${paths.login}?next=${encodeURIComponent(back)}`} replace />;
  }
  return children;
}

/** Only same-site paths are accepted as the page to return to, so a crafted link cannot send anyone away. */
export function safeReturnPath(next: string | null): string {
  if (next && next.startsWith("/") && !next.startsWith("//") && !next.startsWith(paths.login)) return next;
  return paths.home;
}
