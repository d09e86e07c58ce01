/**
 * `/api/auth/*`: login, refresh (rotating), logout and the current user.
 *
 * Browsers get the refresh token only in an HttpOnly, SameSite=Strict cookie scoped to
 * `/api/auth`, so page scripts never see a long-lived secret. API clients ask for it in
 * the body (`refresh_token_in_body: true` at sign-in) and carry it themselves; a refresh
 * that sends the token in its body gets the new one in the answer's body, a cookie-only
 * refresh only as the cookie. Refresh and logout take the token from the body when
 * given, else from that cookie.
 *
 * Sign-in is throttled on failed attempts only, per client address and per account
 * (auth/login-throttle.ts); a refusal is a 429 with Retry-After and
 * `details.retry_after_seconds`.
 */

import { singleLineText, TooManyRequestsError, UnauthorizedError } from "@roa2web/plugin-sdk";
import { parseCookie, stringifySetCookie } from "cookie";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { TokenPair } from "../../auth/auth-service.js";
import type { LoginAttempt } from "../../auth/login-throttle.js";
import type { KernelCradle } from "../../kernel-cradle.js";
import { bearerTokenOf } from "../access-control.js";
import { clientAddressKey } from "../trust-proxy.js";
import { visibleCompanies } from "./companies-routes.js";
import { companySchema, errorsAnswered } from "./schemas.js";

const tokenPair = {
  type: "object",
  required: ["access_token", "token_type", "expires_in"],
  properties: {
    access_token: { type: "string" },
    refresh_token: {
      type: "string",
      description:
        "Only when asked for: `refresh_token_in_body: true` at sign-in, or a refresh that sent the token in its body (browsers get it as the HttpOnly cookie only)",
    },
    token_type: { type: "string", enum: ["Bearer"] },
    expires_in: { type: "integer", description: "Seconds until the access token expires" },
    refresh_expires_at: { type: "string", format: "date-time" },
  },
} as const;

// No body at all is fine too (a browser's cookie, or sign-out with only the bearer):
// Fastify validates a missing body as null, which a plain "object" refuses.
const refreshBody = {
  type: ["object", "null"],
  additionalProperties: false,
  description: "`refresh_token` may be left out when the browser sends the refresh cookie",
  properties: { refresh_token: singleLineText({ minLength: 1, maxLength: 200 }) },
} as const;

/** The cookie holding the refresh token for browsers; only sent to `/api/auth/*`. */
export const REFRESH_COOKIE = "roa2web_refresh";
const REFRESH_COOKIE_PATH = "/api/auth";

type RefreshBody = { refresh_token?: string } | null | undefined;

function refreshTokenOf(request: FastifyRequest<{ Body: RefreshBody }>): string | undefined {
  const fromBody = request.body?.refresh_token;
  if (fromBody) return fromBody;
  const header = request.headers.cookie;
  return header ? parseCookie(header)[REFRESH_COOKIE] : undefined;
}

/** The pair as answered: the refresh token in the body only to a client that asked. */
function answeredPair(pair: TokenPair, inBody: boolean): Omit<TokenPair, "refresh_token"> {
  if (inBody) return pair;
  const { refresh_token: _cookieOnly, ...rest } = pair;
  return rest;
}

function setRefreshCookie(request: FastifyRequest, reply: FastifyReply, pair: TokenPair): void {
  const expires = new Date(pair.refresh_expires_at);
  reply.header(
    "set-cookie",
    stringifySetCookie({
      name: REFRESH_COOKIE,
      value: pair.refresh_token,
      httpOnly: true,
      sameSite: "strict",
      secure: request.protocol === "https",
      path: REFRESH_COOKIE_PATH,
      expires,
    }),
  );
}

function clearRefreshCookie(request: FastifyRequest, reply: FastifyReply): void {
  reply.header(
    "set-cookie",
    stringifySetCookie({
      name: REFRESH_COOKIE,
      value: "",
      httpOnly: true,
      sameSite: "strict",
      secure: request.protocol === "https",
      path: REFRESH_COOKIE_PATH,
      expires: new Date(0),
    }),
  );
}

export async function authRoutes(app: FastifyInstance, kernel: KernelCradle): Promise<void> {
  const { auth } = kernel;

  app.post<{ Body: { username: string; password: string; refresh_token_in_body?: boolean } }>(
    "/api/auth/login",
    {
      config: { access: "public" },
      schema: {
        tags: ["auth"],
        summary: "Sign in with a user name and password",
        body: {
          type: "object",
          required: ["username", "password"],
          additionalProperties: false,
          properties: {
            username: singleLineText({ minLength: 1, maxLength: 100 }),
            // Controls, bidi marks and lone surrogates are not printable (ASVS allows
            // any printable character), and a lone surrogate has no UTF-8 to hash.
            password: singleLineText({ minLength: 1, maxLength: 200 }),
            refresh_token_in_body: {
              type: "boolean",
              default: false,
              description:
                "An API client that keeps the refresh token itself: true puts it in the answer's body (a browser gets it only as the HttpOnly cookie)",
            },
          },
        },
        // 429: the failed-sign-in throttle (auth/login-throttle.ts), not @fastify/rate-limit.
        response: { 200: tokenPair, ...errorsAnswered(401, 429) },
      },
    },
    async (request, reply) => {
      const { username, password } = request.body;
      let attempt: LoginAttempt;
      try {
        // request.ip: the client as the trusted proxies (TRUST_PROXY) tell it, else the peer.
        attempt = await kernel.loginThrottle.begin(clientAddressKey(request.ip), username);
      } catch (error) {
        if (error instanceof TooManyRequestsError) {
          reply.header("retry-after", String(error.details?.retry_after_seconds ?? 1));
        }
        throw error;
      }
      let pair: TokenPair;
      try {
        pair = await auth.login(username, password);
      } catch (error) {
        // A wrong password stays counted; anything else (the ERP down) was no verdict.
        if (!(error instanceof UnauthorizedError)) await attempt.abandoned();
        throw error;
      }
      await attempt.succeeded();
      setRefreshCookie(request, reply, pair);
      return answeredPair(pair, request.body.refresh_token_in_body === true);
    },
  );

  app.post<{ Body: RefreshBody }>(
    "/api/auth/refresh",
    {
      config: { access: "public" },
      schema: {
        tags: ["auth"],
        summary: "Exchange a refresh token for a new pair (the old one stops working)",
        body: refreshBody,
        response: { 200: tokenPair, ...errorsAnswered(401) },
      },
    },
    async (request, reply) => {
      const token = refreshTokenOf(request);
      if (!token) throw new UnauthorizedError("No refresh token: sign in again");
      try {
        const pair = await auth.refresh(token);
        setRefreshCookie(request, reply, pair);
        return answeredPair(pair, request.body?.refresh_token !== undefined);
      } catch (error) {
        clearRefreshCookie(request, reply);
        throw error;
      }
    },
  );

  app.post<{ Body: RefreshBody }>(
    "/api/auth/logout",
    {
      config: { access: "public" },
      schema: {
        tags: ["auth"],
        summary:
          "Sign out: revokes the refresh token and every token rotated from it, and the access token sent in Authorization (if any)",
        body: refreshBody,
        response: { 204: { type: "null", description: "Signed out" } },
      },
    },
    async (request, reply) => {
      const token = refreshTokenOf(request);
      if (token) await auth.logout(token);
      const bearer = bearerTokenOf(request);
      if (bearer) await kernel.accessTokens.revoke(bearer);
      clearRefreshCookie(request, reply);
      return reply.status(204).send();
    },
  );

  app.get(
    "/api/auth/me",
    {
      config: { access: "authenticated" },
      schema: {
        tags: ["auth"],
        summary: "The signed-in user, their permissions and companies",
        response: {
          200: {
            type: "object",
            required: ["user", "permissions", "companies"],
            properties: {
              user: {
                type: "object",
                required: ["id", "username", "display_name"],
                properties: {
                  id: { type: "integer" },
                  username: { type: "string" },
                  display_name: { type: "string" },
                },
              },
              permissions: { type: "array", items: { type: "string" } },
              companies: { type: "array", items: companySchema },
            },
          },
        },
      },
    },
    async (request) => {
      // biome-ignore lint/style/noNonNullAssertion: the access hook guarantees a user here
      const user = await auth.currentUser(request.user!);
      return {
        user: { id: user.id, username: user.username, display_name: user.displayName },
        permissions: user.permissions,
        companies: await visibleCompanies(kernel, user),
      };
    },
  );
}
