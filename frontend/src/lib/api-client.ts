import createFetchClient, { type Middleware } from "openapi-fetch";
import { ApiError, apiErrorFrom } from "@/lib/api-error";
import type { paths } from "@/lib/api-types.gen";
import { clearSession, getSession } from "@/lib/session";

let baseUrl = "";
let onUnauthenticated: () => void = () => {};

/** Set once backend discovery has chosen the API (spec 11.1). */
export function setApiBaseUrl(url: string) {
  baseUrl = url;
  api = createApi(url);
}

export function getApiBaseUrl(): string {
  return baseUrl;
}

/** Called when the API answers 401: the app sends the operator to login, keeping the page to come back to. */
export function setUnauthenticatedHandler(handler: () => void) {
  onUnauthenticated = handler;
}

export function newCorrelationId(): string {
  return crypto.randomUUID();
}

const authMiddleware: Middleware = {
  onRequest({ request }) {
    const session = getSession();
    if (session && !request.headers.has("Authorization")) {
      request.headers.set("Authorization", `Bearer ${session.accessToken}`);
    }
    if (!request.headers.has("X-Correlation-ID")) request.headers.set("X-Correlation-ID", newCorrelationId());
    return request;
  },
  onResponse({ response, request }) {
    // A 401 on the token endpoint is a wrong password, not an ended session.
    if (response.status === 401 && !request.url.endsWith("/api/v1/auth/token")) {
      clearSession("rejected");
      onUnauthenticated();
    }
    return response;
  },
};

function createApi(base: string) {
  const client = createFetchClient<paths>({ baseUrl: base || globalThis.location?.origin });
  client.use(authMiddleware);
  return client;
}

/**
 * The typed API client. Reassigned when discovery chooses the backend: modules read this live binding at
 * call time, so they always use the chosen base URL.
 */
export let api = createApi(baseUrl);

type FetchResult<T> = { data?: T; error?: unknown; response: Response };

/**
 * The data of a successful answer, or a typed ApiError read from the envelope. A request that never got
 * an answer (backend down, CORS refusal) becomes `network_error`.
 */
export async function unwrap<T>(request: Promise<FetchResult<T>>): Promise<T> {
  let result: FetchResult<T>;
  try {
    result = await request;
  } catch (cause) {
    throw new ApiError({
      status: 0,
      code: "network_error",
      message: cause instanceof Error ? cause.message : String(cause),
    });
  }
  if (result.error !== undefined || !result.response.ok) {
    throw apiErrorFrom(result.response, result.error);
  }
  return result.data as T;
}

/** Absolute URL of an API path, for downloads done with fetch (CSV, PDF). */
export function apiUrl(path: string): string {
  return `${baseUrl || window.location.origin}${path}`;
}

/**
 * Download a file from an authenticated endpoint: fetch with the bearer token, then hand the blob to the
 * browser. `open` shows it in a new tab (PDFs) instead of saving it.
 */
export async function downloadFile(path: string, fallbackName: string, mode: "save" | "open" = "save") {
  const session = getSession();
  let response: Response;
  try {
    response = await fetch(apiUrl(path), {
      headers: {
        ...(session ? { Authorization: `Bearer ${session.accessToken}` } : {}),
        "X-Correlation-ID": newCorrelationId(),
      },
    });
  } catch (cause) {
    throw new ApiError({ status: 0, code: "network_error", message: String(cause) });
  }
  if (!response.ok) {
    const body: unknown = await response.json().catch(() => null);
    if (response.status === 401) {
      clearSession("rejected");
      onUnauthenticated();
    }
    throw apiErrorFrom(response, body);
  }
  const blob = await response.blob();
  const disposition = response.headers.get("Content-Disposition") ?? "";
  const name = /filename="?([^";]+)"?/.exec(disposition)?.[1] ?? fallbackName;
  const href = URL.createObjectURL(blob);
  if (mode === "open") {
    window.open(href, "_blank", "noopener");
  } else {
    const link = document.createElement("a");
    link.href = href;
    link.download = name;
    document.body.append(link);
    link.click();
    link.remove();
  }
  setTimeout(() => URL.revokeObjectURL(href), 60_000);
}
