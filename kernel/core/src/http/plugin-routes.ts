/**
 * Mounts a plugin instance's route folder (with @fastify/autoload) under its prefix,
 * in its own encapsulated context. The same function probes a new instance on a
 * scratch Fastify before it goes live, so a plugin whose routes fail to load is
 * refused without touching the running generation.
 */
import autoload from "@fastify/autoload";
import multipart from "@fastify/multipart";
import { cachedReportDeclarationOf, UnsupportedMediaTypeError } from "@roa2web/plugin-sdk";
import Fastify, {
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyRequest,
  type FastifySchema,
  type RouteOptions,
} from "fastify";
import type { LoopWatch } from "../health/loop-watch.js";
import type { PluginInstance } from "../plugins/plugin-instance.js";
import { accessOf } from "./access-control.js";
import { type CachedReportLanes, hasOwnRequestHooks } from "./cached-report-lane.js";
import { serveCachedReport } from "./cached-report-route.js";
import { lazyChildLogger } from "./lazy-logger.js";
import { MULTIPART } from "./openapi-multipart.js";
import { ADMIN_PERMISSION } from "./routes/plugin-admin-routes.js";
import { validationSchemaController } from "./validation.js";

export async function registerPluginRoutes(
  app: FastifyInstance,
  instance: PluginInstance,
  /** The kernel's logger; request loggers are its children (see generation.ts). */
  rootLogger?: FastifyBaseLogger,
  /** Measures each handler, to name a route that holds the event loop. */
  loopWatch?: LoopWatch,
  /** The generation's hit lanes: cached report routes are offered to them. */
  lanes?: CachedReportLanes,
): Promise<void> {
  const dir = instance.routesDir;
  if (!dir) return;
  await app.register(
    async (scope) => {
      const { name, permissions } = instance.manifest;
      const uploads = instance.definition.uploads;
      scope.addHook("onRoute", function (this: FastifyInstance, route) {
        if (!uploads && (route.schema as { multipartBody?: unknown } | undefined)?.multipartBody) {
          // The document would show a form the route cannot read (no multipart parser).
          throw new Error(
            `Route ${String(route.method)} ${route.url} documents an upload form (multipartBody), but "${name}" does not declare \`uploads\` in definePlugin`,
          );
        }
        // A cached report declaration (defineCachedReport) is served by the kernel.
        const cachedReport = cachedReportDeclarationOf(route.handler);
        if (cachedReport !== undefined) {
          const served = serveCachedReport(cachedReport, instance.cache);
          route.handler = served as never;
          const methods = Array.isArray(route.method) ? route.method : [route.method];
          // An `otherwise` that does not say which queries it answers may answer any.
          const everyQueryMayDiffer =
            cachedReport.otherwise !== undefined && cachedReport.answersOtherwise === undefined;
          // Its own CORS settings (`config.cors`) make its headers differ from the rest.
          const ownCors = (route.config as { cors?: unknown } | undefined)?.cors !== undefined;
          if (
            lanes &&
            methods.includes("GET") &&
            !everyQueryMayDiffer &&
            !ownCors &&
            !hasOwnRequestHooks(route as never)
          ) {
            // `this`: the context the route is declared in; its hooks are settled later.
            lanes.offer({
              path: route.url,
              access: accessOf(route),
              context: this,
              source: served,
            });
          }
        }
        if (loopWatch) {
          const label = `${String(route.method)} ${route.url}`;
          route.handler = loopWatch.wrap(name, label, route.handler as never);
        }
        const access = accessOf(route);
        if (access === "public" || access === "authenticated" || access === ADMIN_PERMISSION)
          return;
        if (!(access in permissions)) {
          throw new Error(
            `Route ${String(route.method)} ${route.url} requires ${access}, which the manifest of "${name}" does not declare (declared: ${Object.keys(permissions).join(", ") || "none"})`,
          );
        }
      });
      if (uploads) {
        // The multipart parser accepts multipart/form-data on every route of the plugin
        // and leaves it unread: a route with a JSON body schema would then run as if no
        // body had come (an optional body passes as null). Such a route answers 415,
        // unless it says it reads multipart too (`consumes` or `multipartBody`). Routes without a body
        // schema (the usual upload routes) are left alone.
        scope.addHook("onRoute", (route) => {
          if (route.schema?.body === undefined || readsMultipart(route.schema)) return;
          const existing = route.preValidation;
          const hooks =
            existing === undefined ? [] : Array.isArray(existing) ? existing : [existing];
          route.preValidation = [...hooks, refuseMultipart] as RouteOptions["preValidation"];
        });
        // Only here: its per-request hooks would otherwise cost every route (~5 µs each).
        await scope.register(multipart, {
          limits: {
            fileSize: uploads.maxFileBytes ?? 20 * 1024 * 1024,
            files: uploads.maxFiles ?? 5,
            fields: 50,
            parts: 60,
          },
        });
      }
      // Request log lines from this plugin's routes carry its name, like ctx.logger's.
      scope.setChildLoggerFactory((fastifyLogger, bindings) =>
        lazyChildLogger(rootLogger ?? fastifyLogger, name, bindings),
      );
      const routeFiles = instance.routeFiles;
      await scope.register(autoload, {
        dir,
        options: instance.routeOptions,
        // Only the files that were there when this code loaded (plugin-instance.ts).
        matchFilter: (file: string) => routeFiles.has(file),
        // Only the plugin's own compiled route modules.
        ignorePattern: /(^|[\\/])(.*\.(test|spec)\.[cm]?js|.*\.map|.*\.d\.ts)$/,
        forceESM: true,
      });
    },
    { prefix: instance.manifest.prefix },
  );
}

/**
 * `consumes: ["multipart/form-data", …]`, a documented upload form (`multipartBody`), or
 * a body schema per content type naming multipart.
 */
function readsMultipart(schema: FastifySchema | undefined): boolean {
  const { consumes, body, multipartBody } = (schema ?? {}) as {
    consumes?: unknown;
    body?: unknown;
    multipartBody?: unknown;
  };
  if (multipartBody !== undefined) return true;
  if (Array.isArray(consumes) && consumes.includes(MULTIPART)) return true;
  const content = (body as { content?: Record<string, unknown> } | undefined)?.content;
  return content !== undefined && MULTIPART in content;
}

const refuseMultipart = async (request: FastifyRequest): Promise<void> => {
  if (request.headers["content-type"]?.toLowerCase().startsWith(MULTIPART)) {
    throw new UnsupportedMediaTypeError(
      `This route does not take ${MULTIPART}: send JSON (application/json)`,
    );
  }
};

/** Loads the routes on a scratch instance and throws what went wrong. */
export async function probePluginRoutes(
  instance: PluginInstance,
  prepare: (app: FastifyInstance) => void,
): Promise<void> {
  // The generation's compilers: the probe validates as the live routes will, and what
  // it compiles is reused when the routes go live.
  const scratch = Fastify({ logger: false, schemaController: validationSchemaController() });
  try {
    prepare(scratch);
    await registerPluginRoutes(scratch, instance);
    await scratch.ready();
  } finally {
    await scratch.close();
  }
}
