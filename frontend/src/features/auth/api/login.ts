import { useMutation } from "@tanstack/react-query";
import { api, unwrap } from "@/lib/api-client";
import { startSession, type Session } from "@/lib/session";

export type LoginInput = { username: string; password: string };

/** Exchange staff credentials for a token (OAuth2 password grant) and open the session until it expires. */
export async function login({ username, password }: LoginInput): Promise<Session> {
  const token = await unwrap(
    api.POST("/api/v1/auth/token", {
      body: { grant_type: "password", username, password },
      bodySerializer: (body) => new URLSearchParams(body as Record<string, string>),
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
    }),
  );
  const session: Session = {
    accessToken: token.access_token,
    username,
    roles: token.roles,
    expiresAt: Date.now() + token.expires_in * 1000,
  };
  startSession(session);
  return session;
}

export function useLogin() {
  return useMutation({ mutationFn: login });
}
