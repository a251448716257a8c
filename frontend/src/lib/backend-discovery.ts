/**
 * Backend discovery (spec 11.1): before the workspace uses an API, check that the browser may call it
 * with the operator's headers (CORS preflight with Authorization, X-Correlation-ID and Idempotency-Key)
 * and that its OpenAPI has the paths this build relies on, which catches a stale backend.
 */
export const REQUIRED_PATHS = ["/api/v1/offer-categories"] as const;

export type CandidateVerdict =
  | { baseUrl: string; ok: true }
  | {
      baseUrl: string;
      ok: false;
      reason: "unreachable" | "cors_refused" | "not_openapi" | "missing_paths";
      missing?: string[];
    };

export type Discovery = { chosen: string | null; verdicts: CandidateVerdict[] };

async function check(baseUrl: string, fetchImpl: typeof fetch): Promise<CandidateVerdict> {
  // The same origin needs no CORS; a cross-origin base must accept the headers every operator request
  // carries, or every later call would fail with an opaque network error.
  const crossOrigin = new URL(baseUrl).origin !== globalThis.location?.origin;
  if (crossOrigin) {
    try {
      await fetchImpl(`${baseUrl}/health/live`, {
        headers: {
          Authorization: "Bearer discovery-probe",
          "X-Correlation-ID": "discovery-probe",
          "Idempotency-Key": "discovery-probe",
        },
      });
    } catch {
      // fetch rejects both when nothing listens and when the preflight is refused: tell them apart with
      // a request the browser sends without preflight.
      try {
        await fetchImpl(`${baseUrl}/health/live`, { mode: "no-cors" });
        return { baseUrl, ok: false, reason: "cors_refused" };
      } catch {
        return { baseUrl, ok: false, reason: "unreachable" };
      }
    }
  }
  let document: { paths?: Record<string, unknown> };
  try {
    const response = await fetchImpl(`${baseUrl}/api/v1/openapi.json`);
    if (!response.ok) return { baseUrl, ok: false, reason: "not_openapi" };
    document = (await response.json()) as typeof document;
  } catch {
    return { baseUrl, ok: false, reason: crossOrigin ? "cors_refused" : "unreachable" };
  }
  const missing = REQUIRED_PATHS.filter((path) => !(document.paths && path in document.paths));
  if (missing.length > 0) return { baseUrl, ok: false, reason: "missing_paths", missing };
  return { baseUrl, ok: true };
}

/** Check each candidate in order and choose the first that fits; every verdict is kept to explain a failure. */
export async function discoverBackend(
  candidates: string[],
  fetchImpl: typeof fetch = fetch,
): Promise<Discovery> {
  const list = candidates.length > 0 ? candidates : [globalThis.location.origin];
  const verdicts: CandidateVerdict[] = [];
  for (const baseUrl of list) {
    const verdict = await check(baseUrl, fetchImpl);
    verdicts.push(verdict);
    if (verdict.ok) return { chosen: baseUrl, verdicts };
  }
  return { chosen: null, verdicts };
}
