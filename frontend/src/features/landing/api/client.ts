import createFetchClient from "openapi-fetch";
import { apiBaseCandidates } from "@/config/env";
import { ApiError, apiErrorFrom } from "@/lib/api-error";
import type { components, paths } from "@/lib/api-types.gen";
import { discoverBackend } from "@/lib/backend-discovery";

export type Schemas = components["schemas"];

/**
 * The landing's own client: no staff token, no redirect to the operator login on a 401 (a 401 here is an
 * expired lookup token, handled by the journey). With one candidate (or the page's origin, when FastAPI
 * serves the build) it is used at once; discovery runs only when the launcher offers several.
 */
let chosenBase: Promise<string> | null = null;
function base(): Promise<string> {
  chosenBase ??=
    apiBaseCandidates.length <= 1
      ? Promise.resolve(apiBaseCandidates[0] ?? window.location.origin)
      : discoverBackend(apiBaseCandidates).then(
          (found) => found.chosen ?? apiBaseCandidates[0] ?? window.location.origin,
        );
  return chosenBase;
}

let client: ReturnType<typeof createFetchClient<paths>> | null = null;
export async function landingApi() {
  const url = await base();
  client ??= createFetchClient<paths>({ baseUrl: url });
  return client;
}

/** Absolute address of a path the API handed out (document links). */
export async function landingUrl(path: string): Promise<string> {
  return `${await base()}${path}`;
}

/** An API refusal, with the seconds of `Retry-After` when the API asked to wait (429). */
export class LandingError extends ApiError {
  readonly retryAfter: number | null;
  constructor(error: ApiError, retryAfter: number | null) {
    super({
      status: error.status,
      code: error.code,
      message: error.message,
      details: error.details,
      correlationId: error.correlationId,
    });
    this.retryAfter = retryAfter;
  }
}

type FetchResult<T> = { data?: T; error?: unknown; response: Response };

export async function call<T>(request: Promise<FetchResult<T>>): Promise<T> {
  let result: FetchResult<T>;
  try {
    result = await request;
  } catch (cause) {
    const error = new ApiError({ status: 0, code: "network_error", message: String(cause) });
    throw new LandingError(error, null);
  }
  if (result.error !== undefined || !result.response.ok) {
    const seconds = Number(result.response.headers.get("Retry-After"));
    throw new LandingError(
      apiErrorFrom(result.response, result.error),
      Number.isFinite(seconds) && seconds > 0 ? seconds : null,
    );
  }
  return result.data as T;
}
