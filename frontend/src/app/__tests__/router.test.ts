import { afterEach, describe, expect, it } from "vitest";
import { createRouter } from "@/app/router";
import { clearSession, startSession } from "@/lib/session";

describe("the first page of a visit", () => {
  afterEach(() => clearSession("signed_out"));

  it("is the login, keeping the page asked for, when nobody is signed in", () => {
    // Before the router starts: otherwise it fetches the asked tab's chunk only to leave it for the login.
    window.history.replaceState(null, "", "/clients?q=Bennani#top");
    const router = createRouter();
    expect(window.location.pathname).toBe("/login");
    expect(new URLSearchParams(window.location.search).get("next")).toBe("/clients?q=Bennani#top");
    expect(router.state.location.pathname).toBe("/login");
    router.dispose();
  });

  it("is the page asked for when a session is open", () => {
    startSession({ accessToken: "t", username: "admin", roles: ["admin"], expiresAt: Date.now() + 60_000 });
    window.history.replaceState(null, "", "/clients?q=Bennani");
    const router = createRouter();
    expect(window.location.pathname).toBe("/clients");
    router.dispose();
  });
});
