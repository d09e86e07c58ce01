import type { FastifyInstance, FastifyPluginAsync, FastifyRequest } from "fastify";
import type { AuthUser } from "./auth.js";
import type { PluginRuntime } from "./context.js";
import { UnauthorizedError } from "./errors.js";
import type { RouteAccess } from "./permissions.js";
import type { AnyPluginDefinition, PluginDefinition } from "./plugin.js";
import type { ResolvedDeps } from "./refs.js";

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

/** What every route module receives: the plugin's runtime, its deps and the state `start` returned. */
export interface RouteOptionsOf<P> {
  plugin: PluginRuntime;
  // biome-ignore lint/suspicious/noExplicitAny: any state, only the deps are read here
  deps: P extends PluginDefinition<infer D, any> ? ResolvedDeps<D> : never;
  // biome-ignore lint/suspicious/noExplicitAny: any deps, only the state is read here
  state: P extends PluginDefinition<any, infer S> ? S : never;
}

/** Route options of a module that does not name its plugin's type. */
export type PluginRouteOptions = RouteOptionsOf<AnyPluginDefinition>;

/** The type of a route module's default export. */
export type PluginRoutes = FastifyPluginAsync<PluginRouteOptions>;

/**
 * Types a route module: `export default defineRoutes<typeof plugin>(async (app, { deps, state }) => {…})`,
 * where `plugin` is the plugin's `definePlugin(...)` (import it with `import type`).
 */
export function defineRoutes<P = never>(
  routes: (
    app: FastifyInstance,
    options: [P] extends [never] ? PluginRouteOptions : RouteOptionsOf<P>,
  ) => Promise<void>,
): PluginRoutes {
  return routes as unknown as PluginRoutes;
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
