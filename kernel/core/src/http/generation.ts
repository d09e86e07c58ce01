/**
 * Builds one route generation: a ready Fastify instance with the kernel's
 * cross-cutting plugins (security headers, CORS, rate limiting, multipart,
 * OpenAPI), the kernel routes, and the routes of the given plugin instances.
 */
import { randomUUID } from "node:crypto";
import { existsSync } from "node:fs";
import path from "node:path";
import cors from "@fastify/cors";
import multipart from "@fastify/multipart";
import rateLimit from "@fastify/rate-limit";
import fastifyStatic from "@fastify/static";
import swagger from "@fastify/swagger";
import swaggerUi from "@fastify/swagger-ui";
import Fastify, {
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
  LogController,
} from "fastify";
import type { PluginInstance } from "../plugins/plugin-instance.js";
import { installAccessControl } from "./access-control.js";
import { errorBody, installErrorHandling } from "./error-handler.js";
import type { HttpDependencies } from "./http-dependencies.js";
import { lazyChildLogger } from "./lazy-logger.js";
import { registerPluginRoutes } from "./plugin-routes.js";
import { authRoutes } from "./routes/auth-routes.js";
import { companiesRoutes } from "./routes/companies-routes.js";
import { healthRoutes } from "./routes/health-routes.js";
import { pluginAdminRoutes } from "./routes/plugin-admin-routes.js";

const REQUEST_ID_PATTERN = /^[A-Za-z0-9._:-]{1,64}$/;

/** Fastify settings shared by generations and by the scratch instance that probes plugin routes. */
export function fastifyOptions(deps: HttpDependencies) {
  return {
    loggerInstance: deps.logger as FastifyBaseLogger,
    // Our own onResponse hook logs what matters (errors, slow requests); Fastify's two
    // lines per request cost ~30% of throughput (see docs/performance.md).
    logController: new LogController({ disableRequestLogging: true, requestIdLogLabel: "reqId" }),
    // Kernel routes log as "http"; each plugin's context sets its own name (plugin-routes.ts).
    childLoggerFactory: (logger: FastifyBaseLogger, bindings: Record<string, unknown>) =>
      lazyChildLogger(logger, { module: "http", ...bindings }),
    bodyLimit: deps.settings.http.bodyLimitBytes,
    trustProxy: deps.settings.http.trustProxy,
    requestIdHeader: false as const,
    // An id from a trusted proxy is kept when it is well-formed, so logs can be joined.
    genReqId: (request: { headers: Record<string, string | string[] | undefined> }) => {
      const incoming = request.headers["x-request-id"];
      return typeof incoming === "string" && REQUEST_ID_PATTERN.test(incoming)
        ? incoming
        : randomUUID();
    },
    ajv: {
      customOptions: {
        allErrors: false,
        removeAdditional: false,
        coerceTypes: "array" as const,
        useDefaults: true,
      },
    },
    return503OnClosing: true,
  };
}

export async function buildGeneration(
  deps: HttpDependencies,
  plugins: readonly PluginInstance[],
): Promise<FastifyInstance> {
  const app: FastifyInstance = Fastify(fastifyOptions(deps));
  const { settings } = deps;

  app.addHook("onRequest", (request, reply, done) => {
    reply.header("x-request-id", request.id);
    done();
  });
  app.addHook("onResponse", (request, reply, done) => {
    const ms = reply.elapsedTime;
    if (settings.log.requests || ms >= settings.log.slowRequestMs || reply.statusCode >= 400) {
      const level =
        reply.statusCode >= 500
          ? "error"
          : ms >= settings.log.slowRequestMs || reply.statusCode >= 400
            ? "warn"
            : "info";
      request.log[level](
        {
          method: request.method,
          url: request.url,
          statusCode: reply.statusCode,
          ms: Math.round(ms),
          user: request.user?.username,
        },
        "request completed",
      );
    }
    done();
  });

  // Security headers are set once per process by the switchboard (security-headers.ts).
  if (settings.http.corsOrigins.length > 0) {
    await app.register(cors, {
      origin: settings.http.corsOrigins,
      credentials: true,
      exposedHeaders: ["x-request-id", "x-cache", "age", "content-disposition", "retry-after"],
    });
  }
  await app.register(rateLimit, { global: false, store: deps.rateLimitStore });
  await app.register(multipart, {
    limits: { fileSize: 20 * 1024 * 1024, files: 5, fields: 50, parts: 60 },
  });
  await app.register(swagger, {
    openapi: {
      info: {
        title: "roa2web API",
        version: deps.kernelVersion,
        description: "The kernel's and every running plugin's routes.",
      },
      components: {
        securitySchemes: { bearer: { type: "http", scheme: "bearer", bearerFormat: "JWT" } },
      },
      security: [{ bearer: [] }],
    },
  });
  await app.register(swaggerUi, { routePrefix: "/api/docs", staticCSP: true });

  installAccessControl(app, deps.accessTokens);
  const shellIndex = deps.settings.uiShellDir
    ? path.join(deps.settings.uiShellDir, "index.html")
    : undefined;
  const hasShell = shellIndex !== undefined && existsSync(shellIndex);
  installErrorHandling(app, {
    notFound: (request: FastifyRequest, reply: FastifyReply) => {
      // Deep links into the shell (/reports/invoices) load the shell, which routes them.
      if (
        hasShell &&
        request.method === "GET" &&
        !request.url.startsWith("/api/") &&
        request.url !== "/health"
      ) {
        return reply.type("text/html").sendFile("index.html");
      }
      return reply
        .status(404)
        .send(
          errorBody(
            request,
            "NOT_FOUND",
            `No route ${request.method} ${request.url.split("?")[0]}`,
          ),
        );
    },
  });

  if (hasShell && deps.settings.uiShellDir) {
    await app.register(fastifyStatic, {
      root: deps.settings.uiShellDir,
      prefix: "/",
      wildcard: false,
      index: ["index.html"],
    });
  } else {
    app.get(
      "/",
      { config: { access: "public" }, schema: { hide: true } },
      async (_request, reply) =>
        reply
          .type("text/html")
          .send(
            `<!doctype html><title>roa2web</title><h1>roa2web ${deps.kernelVersion}</h1><p>The web shell is not built. API docs: <a href="/api/docs">/api/docs</a>, health: <a href="/health">/health</a>.</p>`,
          ),
    );
  }

  await app.register(async (kernel) => {
    await healthRoutes(kernel, deps);
    await authRoutes(kernel, deps);
    await companiesRoutes(kernel, deps);
    await pluginAdminRoutes(kernel, deps);
  });

  for (const instance of plugins) {
    const ui = instance.manifest.ui;
    if (ui) {
      await app.register(fastifyStatic, {
        root: path.dirname(path.resolve(instance.manifest.root, ui.module)),
        prefix: `/plugins/${instance.manifest.name}/ui/`,
        decorateReply: false,
      });
    }
    await registerPluginRoutes(app, instance);
  }

  await app.ready();
  return app;
}
