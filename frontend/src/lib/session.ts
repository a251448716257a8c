import { useSyncExternalStore } from "react";
import type { components } from "@/lib/api-types.gen";

export type Role = components["schemas"]["Role"];

export type Session = {
  accessToken: string;
  username: string;
  roles: Role[];
  /** Epoch milliseconds at which the token stops being accepted by the API. */
  expiresAt: number;
};

const STORAGE_KEY = "mtf.session";
const listeners = new Set<() => void>();
let current: Session | null = read();
let expiryTimer: ReturnType<typeof setTimeout> | undefined;

function read(): Session | null {
  try {
    const raw = globalThis.localStorage?.getItem(STORAGE_KEY);
    if (!raw) return null;
    const session = JSON.parse(raw) as Session;
    return session.expiresAt > Date.now() ? session : null;
  } catch {
    return null;
  }
}

function emit() {
  for (const listener of listeners) listener();
}

function scheduleExpiry() {
  clearTimeout(expiryTimer);
  if (current) {
    // The session lasts exactly as long as the token: when it expires the workspace returns to login
    // instead of failing on the next request.
    expiryTimer = setTimeout(() => clearSession("expired"), Math.max(0, current.expiresAt - Date.now()));
  }
}
scheduleExpiry();

export type EndReason = "signed_out" | "expired" | "rejected";
let lastEndReason: EndReason | null = null;

export function startSession(session: Session) {
  current = session;
  lastEndReason = null;
  localStorage.setItem(STORAGE_KEY, JSON.stringify(session));
  scheduleExpiry();
  emit();
}

export function clearSession(reason: EndReason) {
  if (!current) return;
  current = null;
  lastEndReason = reason;
  localStorage.removeItem(STORAGE_KEY);
  scheduleExpiry();
  emit();
}

export function getSession(): Session | null {
  if (current && current.expiresAt <= Date.now()) clearSession("expired");
  return current;
}

/** Why the last session ended, so the login page can say it. */
export function getEndReason(): EndReason | null {
  return lastEndReason;
}

function subscribe(listener: () => void) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function useSession(): Session | null {
  return useSyncExternalStore(subscribe, () => current);
}
