import { afterEach, describe, expect, it, vi } from "vitest";
import { api, setApiBaseUrl, setUnauthenticatedHandler, unwrap } from "@/lib/api-client";
import { ApiError } from "@/lib/api-error";
import { getSession, startSession } from "@/lib/session";
import { API, envelope, http, HttpResponse, server } from "@/testing/server";

describe("the API client", () => {
  afterEach(() => setUnauthenticatedHandler(() => {}));

  it("turns an error envelope into an ApiError with its code, field details and correlation id", async () => {
    setApiBaseUrl(API);
    server.use(
      http.post(`${API}/api/v1/clients`, () =>
        envelope(422, "validation_error", "Invalid body", [
          { loc: ["body", "cin"], msg: "CIN must be 1 or 2 letters", type: "cin_format" },
          { loc: ["body", "phone"], msg: "not a Moroccan phone number", type: "phone_format" },
        ]),
      ),
    );
    const failure = await unwrap(
      api.POST("/api/v1/clients", { body: { kind: "individual", cin: "12" } }),
    ).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(ApiError);
    const error = failure as ApiError;
    expect(error.status).toBe(422);
    expect(error.code).toBe("validation_error");
    expect(error.correlationId).toBe("corr-test-1");
    expect([...error.fieldErrors().keys()]).toEqual(["cin", "phone"]);
    expect(error.fieldErrors().get("cin")?.msg).toBe("CIN must be 1 or 2 letters");
  });

  it("sends the bearer token and a correlation id with every request", async () => {
    setApiBaseUrl(API);
    startSession({
      accessToken: "tok-123",
      username: "op",
      roles: ["operator"],
      expiresAt: Date.now() + 60_000,
    });
    const seen: { headers?: Headers } = {};
    server.use(
      http.get(`${API}/api/v1/auth/me`, ({ request }) => {
        seen.headers = request.headers;
        // The JWT claim `sub` is mistaken by the linter for the deprecated String.prototype.sub.
        // eslint-disable-next-line @typescript-eslint/no-deprecated
        return HttpResponse.json({ sub: "op", roles: ["operator"], typ: "staff" });
      }),
    );
    await unwrap(api.GET("/api/v1/auth/me"));
    expect(seen.headers?.get("Authorization")).toBe("Bearer tok-123");
    expect(seen.headers?.get("X-Correlation-ID")).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("ends the session and asks for login on a 401, but not for a wrong password at the token endpoint", async () => {
    setApiBaseUrl(API);
    const toLogin = vi.fn();
    setUnauthenticatedHandler(toLogin);
    server.use(
      http.post(`${API}/api/v1/auth/token`, () => envelope(401, "not_authenticated", "Invalid credentials.")),
      http.get(`${API}/api/v1/auth/me`, () => envelope(401, "not_authenticated", "Token expired.")),
    );
    startSession({ accessToken: "old", username: "op", roles: ["operator"], expiresAt: Date.now() + 60_000 });

    await unwrap(
      api.POST("/api/v1/auth/token", { body: { grant_type: "password", username: "x", password: "y" } }),
    ).catch(() => null);
    expect(toLogin).not.toHaveBeenCalled();
    expect(getSession()).not.toBeNull();

    await unwrap(api.GET("/api/v1/auth/me")).catch(() => null);
    expect(toLogin).toHaveBeenCalledOnce();
    expect(getSession()).toBeNull();
  });

  it("reports a request that got no answer as network_error", async () => {
    setApiBaseUrl(API);
    server.use(http.get(`${API}/api/v1/auth/me`, () => HttpResponse.error()));
    const error = (await unwrap(api.GET("/api/v1/auth/me")).catch((e: unknown) => e)) as ApiError;
    expect(error.code).toBe("network_error");
    expect(error.status).toBe(0);
  });

  it("keeps the correlation id of a non-envelope answer from its header", async () => {
    setApiBaseUrl(API);
    server.use(
      http.get(
        `${API}/api/v1/auth/me`,
        () => new HttpResponse("Bad gateway", { status: 502, headers: { "X-Correlation-ID": "from-proxy" } }),
      ),
    );
    const error = (await unwrap(api.GET("/api/v1/auth/me")).catch((e: unknown) => e)) as ApiError;
    expect(error.code).toBe("unexpected_answer");
    expect(error.correlationId).toBe("from-proxy");
  });
});
