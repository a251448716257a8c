import { useCallback, useSyncExternalStore } from "react";

/**
 * The landing's address: `/landing?journey=subscribe#draft=<id>`. The journey sits in the query; the draft
 * id, which is the only key to someone's saved answers, sits in the fragment, which browsers never send to
 * a server (no access log, no Referer). Plain history API: the landing carries no router library.
 */
export type Journey = "home" | "subscribe" | "plan-change" | "invoices";
const JOURNEYS: Journey[] = ["home", "subscribe", "plan-change", "invoices"];

const listeners = new Set<() => void>();
function notify() {
  for (const listener of listeners) listener();
}
function subscribe(listener: () => void) {
  listeners.add(listener);
  window.addEventListener("popstate", listener);
  window.addEventListener("hashchange", listener);
  return () => {
    listeners.delete(listener);
    window.removeEventListener("popstate", listener);
    window.removeEventListener("hashchange", listener);
  };
}

export function parseJourney(search: string): Journey {
  const value = new URLSearchParams(search).get("journey");
  return JOURNEYS.find((journey) => journey === value) ?? "home";
}

export function parseDraftId(hash: string): string | null {
  const value = new URLSearchParams(hash.replace(/^#/, "")).get("draft");
  return value && /^[0-9a-f-]{36}$/i.test(value) ? value : null;
}

function currentHref() {
  return window.location.search + window.location.hash;
}

export function useLandingLocation() {
  const href = useSyncExternalStore(subscribe, currentHref, () => "");
  const journey = parseJourney(href.split("#")[0] ?? "");
  const draftId = parseDraftId(window.location.hash);

  const go = useCallback((next: Journey, options: { draftId?: string | null; replace?: boolean } = {}) => {
    const params = new URLSearchParams(window.location.search);
    if (next === "home") params.delete("journey");
    else params.set("journey", next);
    const query = params.toString();
    const hash = options.draftId ? `#draft=${options.draftId}` : "";
    const url = `${window.location.pathname}${query ? `?${query}` : ""}${hash}`;
    if (options.replace) window.history.replaceState(null, "", url);
    else window.history.pushState(null, "", url);
    notify();
  }, []);

  const setLanguageParam = useCallback((language: string) => {
    const params = new URLSearchParams(window.location.search);
    if (params.has("lang")) {
      params.set("lang", language);
      window.history.replaceState(
        null,
        "",
        `${window.location.pathname}?${params.toString()}${window.location.hash}`,
      );
      notify();
    }
  }, []);

  return { journey, draftId, go, setLanguageParam };
}
