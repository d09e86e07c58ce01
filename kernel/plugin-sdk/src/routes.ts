import type { FastifyInstance, FastifyPluginAsync } from "fastify";
import type { AuthUser } from "./auth.js";
import type { PluginContext } from "./context.js";
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
