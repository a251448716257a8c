import type { Role, Session } from "@/lib/session";

/**
 * What each role may do in the workspace, mirroring the roles each API operation declares (see
 * docs/api-reference.md). The UI hides or disables what a role cannot do; the API still refuses it.
 * `admin` may do everything; `auditor` reads everything and writes nothing.
 */
const permissions = {
  "clients:read": ["operator", "billing", "collections", "auditor"],
  "clients:write": ["operator"],
  "clients:anonymise": [], // admin only (irreversible)
  "offers:read": ["operator", "billing", "collections", "auditor"],
  "offers:write": ["operator"],
  "contracts:read": ["operator", "billing", "collections", "auditor"],
  "contracts:write": ["operator"],
  "invoices:read": ["billing", "collections", "auditor"],
  "billing:write": ["billing"],
  "payments:read": ["collections", "billing", "auditor"],
  "collections:read": ["collections", "billing", "auditor"],
  "collections:write": ["collections"],
  "audit:read": ["auditor"],
} as const satisfies Record<string, readonly Role[]>;

export type Permission = keyof typeof permissions;

export function can(session: Pick<Session, "roles"> | null, permission: Permission): boolean {
  if (!session) return false;
  if (session.roles.includes("admin")) return true;
  const allowed: readonly Role[] = permissions[permission];
  return session.roles.some((role) => allowed.includes(role));
}
