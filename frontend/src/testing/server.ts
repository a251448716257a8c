import { http, HttpResponse, type JsonBodyType } from "msw";
import { setupServer } from "msw/node";

/** The msw server of the unit tests; each test adds the answers it needs with server.use(...). */
export const server = setupServer();

export const API = "http://localhost:3000";

/** An error answer in the API's envelope. */
export function envelope(
  status: number,
  code: string,
  message: string,
  details: JsonBodyType[] = [],
  correlationId = "corr-test-1",
) {
  return HttpResponse.json(
    { error: { code, message, details, correlation_id: correlationId } },
    { status, headers: { "X-Correlation-ID": correlationId } },
  );
}

export { http, HttpResponse };
