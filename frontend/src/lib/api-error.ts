import type { components } from "@/lib/api-types.gen";

type Envelope = components["schemas"]["ErrorEnvelope"];
/** The machine codes of the error envelope, as typed by the generated OpenAPI. */
export type ErrorCode = Envelope["error"]["code"];

export type ErrorDetail = {
  loc?: (string | number)[];
  msg?: string;
  type?: string;
  [extra: string]: unknown;
};

/**
 * An error answer of the API read from its envelope, or a transport failure (status 0, code
 * `network_error`) when no answer arrived. Carries the correlation id so support can trace it.
 */
export class ApiError extends Error {
  readonly status: number;
  /** An envelope code, or `network_error` / `unexpected_answer` when no envelope came back. */
  readonly code: ErrorCode;
  readonly details: ErrorDetail[];
  readonly correlationId: string | null;

  constructor(init: {
    status: number;
    code: ApiError["code"];
    message: string;
    details?: ErrorDetail[];
    correlationId?: string | null;
  }) {
    super(init.message);
    this.name = "ApiError";
    this.status = init.status;
    this.code = init.code;
    this.details = init.details ?? [];
    this.correlationId = init.correlationId ?? null;
  }

  /** Field problems of a 422 (or a business 409/422 naming fields), keyed by the body field path. */
  fieldErrors(): Map<string, ErrorDetail> {
    const fields = new Map<string, ErrorDetail>();
    for (const detail of this.details) {
      const loc = detail.loc ?? [];
      // loc is ["body", "field", ...] for bodies and ["query", "name"] for filters: the location kind
      // is dropped so the path matches the form's field names.
      const path = (["body", "query", "path"].includes(String(loc[0])) ? loc.slice(1) : loc).join(".");
      if (path && !fields.has(path)) fields.set(path, detail);
    }
    return fields;
  }
}

function isEnvelope(body: unknown): body is Envelope {
  if (typeof body !== "object" || body === null || !("error" in body)) return false;
  const error = body.error;
  return (
    typeof error === "object" && error !== null && typeof (error as { code?: unknown }).code === "string"
  );
}

/** Build an ApiError from a failed response and its parsed body (whatever shape it has). */
export function apiErrorFrom(response: Response, body: unknown): ApiError {
  const headerId = response.headers.get("X-Correlation-ID");
  if (isEnvelope(body)) {
    return new ApiError({
      status: response.status,
      code: body.error.code,
      message: body.error.message,
      details: body.error.details,
      correlationId: body.error.correlation_id ?? headerId,
    });
  }
  return new ApiError({
    status: response.status,
    code: "unexpected_answer",
    message: `HTTP ${response.status}`,
    correlationId: headerId,
  });
}
