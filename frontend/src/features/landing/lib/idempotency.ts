/**
 * One Idempotency-Key per intended submit: the same request (same body) always goes out with the same key,
 * across double clicks, retries after a network failure and even a reload, so the API replays the first
 * answer instead of creating a second contract. A changed body is a new request and gets a new key (the
 * old one would be refused as `idempotency_key_conflict`). Kept in sessionStorage: it dies with the tab.
 */
const PREFIX = "mtf.landing.idempotency.";

type Stored = { key: string; body: string };

export function idempotencyKeyFor(scope: string, body: unknown, storage: Storage = sessionStorage): string {
  const serialized = JSON.stringify(body);
  let stored: Stored | null = null;
  try {
    stored = JSON.parse(storage.getItem(PREFIX + scope) ?? "null") as Stored | null;
  } catch {
    stored = null;
  }
  if (stored && stored.body === serialized) return stored.key;
  const key = crypto.randomUUID();
  try {
    storage.setItem(PREFIX + scope, JSON.stringify({ key, body: serialized }));
  } catch {
    // No storage: the key still holds for this page's retries through the caller's state.
  }
  return key;
}

export function forgetIdempotencyKey(scope: string, storage: Storage = sessionStorage) {
  try {
    storage.removeItem(PREFIX + scope);
  } catch {
    // Nothing stored.
  }
}
