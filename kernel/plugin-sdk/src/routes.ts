import type { FastifyInstance, FastifyPluginAsync, FastifyRequest } from "fastify";
import type { AuthUser } from "./auth.js";
import type { PluginContext } from "./context.js";
import { UnauthorizedError } from "./errors.js";
import type { RouteAccess } from "./permissions.js";

declare module "fastify" {
  interface FastifyContextConfig {
    /**
     * Who may call the route: a permission (`reports:read`), `"authenticated"` or
     * `"public"`. Every plugin route must declare it; the kernel refuses a plugin
     * with a route that does not.
     */
    access?: RouteAccess;
  }
  interface FastifyRequest {
    /** The signed-in caller; null on public routes called without a token. */
    user: AuthUser | null;
  }
}

/** Options every route module receives from the kernel's autoload. */
export interface PluginRouteOptions {
  plugin: PluginContext;
}

/** The type of a route module's default export. */
export type PluginRoutes = FastifyPluginAsync<PluginRouteOptions>;

/** Identity helper that types a route module: `export default defineRoutes(async (app, { plugin }) => {…})`. */
export function defineRoutes(
  routes: (app: FastifyInstance, options: PluginRouteOptions) => Promise<void>,
): PluginRoutes {
  return routes as PluginRoutes;
}

/**
 * The signed-in caller of a route whose access is `authenticated` or a permission
 * (the kernel guarantees one there); throws 401 if called where nobody signed in.
 */
export function requireUser(request: FastifyRequest): AuthUser {
  if (!request.user) throw new UnauthorizedError();
  return request.user;
}

/** The JSON schema of every error answer, for route `response` schemas. */
export const errorResponseSchema = {
  type: "object",
  description: "Every error: a stable code, a message for people, and the request id to quote.",
  required: ["error"],
  properties: {
    error: {
      type: "object",
      required: ["code", "message", "request_id"],
      properties: {
        code: { type: "string" },
        message: { type: "string" },
        request_id: { type: "string" },
        details: { type: "object", additionalProperties: true },
      },
    },
  },
} as const;
