/** `/api/auth/*`: login, refresh (rotating), logout and the current user. */

import { TooManyRequestsError } from "@roa2web/plugin-sdk";
import type { FastifyInstance } from "fastify";
import type { HttpDependencies } from "../http-dependencies.js";
import { visibleCompanies } from "./companies-routes.js";
import { companySchema, errorResponses } from "./schemas.js";

const tokenPair = {
  type: "object",
  required: ["access_token", "refresh_token", "token_type", "expires_in"],
  properties: {
    access_token: { type: "string" },
    refresh_token: { type: "string" },
    token_type: { type: "string", enum: ["Bearer"] },
    expires_in: { type: "integer", description: "Seconds until the access token expires" },
    refresh_expires_at: { type: "string", format: "date-time" },
  },
} as const;

const refreshBody = {
  type: "object",
  required: ["refresh_token"],
  additionalProperties: false,
  properties: { refresh_token: { type: "string", minLength: 1, maxLength: 200 } },
} as const;

export async function authRoutes(app: FastifyInstance, deps: HttpDependencies): Promise<void> {
  const { auth, settings } = deps;

  app.post<{ Body: { username: string; password: string } }>(
    "/api/auth/login",
    {
      config: {
        access: "public",
        rateLimit: {
          max: settings.auth.loginRateLimit.max,
          timeWindow: settings.auth.loginRateLimit.windowMs,
          keyGenerator: (request) => `login:${request.ip}`,
          errorResponseBuilder: (_request, context) =>
            new TooManyRequestsError(
              `Too many sign-in attempts; try again in ${Math.ceil(context.ttl / 1000)} seconds`,
              {
                details: { retry_after_seconds: Math.ceil(context.ttl / 1000) },
              },
            ),
        },
      },
      schema: {
        tags: ["auth"],
        summary: "Sign in with a user name and password",
        body: {
          type: "object",
          required: ["username", "password"],
          additionalProperties: false,
          properties: {
            username: { type: "string", minLength: 1, maxLength: 100 },
            password: { type: "string", minLength: 1, maxLength: 200 },
          },
        },
        response: { 200: tokenPair, ...errorResponses },
      },
    },
    async (request) => auth.login(request.body.username, request.body.password),
  );

  app.post<{ Body: { refresh_token: string } }>(
    "/api/auth/refresh",
    {
      config: { access: "public" },
      schema: {
        tags: ["auth"],
        summary: "Exchange a refresh token for a new pair (the old one stops working)",
        body: refreshBody,
        response: { 200: tokenPair, ...errorResponses },
      },
    },
    async (request) => auth.refresh(request.body.refresh_token),
  );

  app.post<{ Body: { refresh_token: string } }>(
    "/api/auth/logout",
    {
      config: { access: "public" },
      schema: {
        tags: ["auth"],
        summary: "Sign out: revokes the refresh token and every token rotated from it",
        body: refreshBody,
        response: { 204: { type: "null", description: "Signed out" }, ...errorResponses },
      },
    },
    async (request, reply) => {
      await auth.logout(request.body.refresh_token);
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
          ...errorResponses,
        },
      },
    },
    async (request) => {
      // biome-ignore lint/style/noNonNullAssertion: the access hook guarantees a user here
      const user = await auth.currentUser(request.user!);
      return {
        user: { id: user.id, username: user.username, display_name: user.displayName },
        permissions: user.permissions,
        companies: await visibleCompanies(deps, user),
      };
    },
  );
}
