/**
 * Builds one route generation: a ready Fastify instance with the kernel's
 * cross-cutting plugins (API security headers, CORS, rate limiting,
 * OpenAPI), the kernel routes, and the routes of the given plugin instances.
 */
import { existsSync } from "node:fs";
import type { IncomingMessage } from "node:http";
import path from "node:path";
import fastifyCors from "@fastify/cors";
import rateLimit from "@fastify/rate-limit";
import fastifyStatic from "@fastify/static";
import swagger from "@fastify/swagger";
import swaggerUi from "@fastify/swagger-ui";
import { BadRequestError } from "@roa2web/plugin-sdk";
import Fastify, {
  type FastifyBaseLogger,
  type FastifyError,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
  LogController,
} from "fastify";
import type { KernelCradle } from "../kernel-cradle.js";
import type { PluginInstance } from "../plugins/plugin-instance.js";
import type { UnavailablePlugin } from "../plugins/plugin-manager.js";
import { installAccessControl } from "./access-control.js";
import { boundRouteNumbers } from "./bounded-numbers.js";
import { attachLanes, CachedReportLanes } from "./cached-report-lane.js";
import { installDatabaseGate } from "./database-gate.js";
import { errorBody, installErrorHandling, urlErrorBody } from "./error-handler.js";
import { installStrictJsonParser } from "./json-body.js";
import { lazyChildLogger } from "./lazy-logger.js";
import { docsPageCsp, documentObject, documentRoute } from "./openapi-document.js";
import { registerPluginRoutes } from "./plugin-routes.js";
import { authRoutes } from "./routes/auth-routes.js";
import { companiesRoutes } from "./routes/companies-routes.js";
import { handoverRoutes } from "./routes/handover-routes.js";
import { healthRoutes } from "./routes/health-routes.js";
import { pluginAdminRoutes } from "./routes/plugin-admin-routes.js";
import { pluginEventsRoutes } from "./routes/plugin-events-routes.js";
import { pluginPackageRoutes } from "./routes/plugin-package-routes.js";
import { apiSecurityHeaderList, HSTS_VALUE } from "./security-headers.js";
import { isApiRequest, switchboardRequestId } from "./switchboard.js";
import { compilePeerTrust } from "./trust-proxy.js";
import { registerUnavailablePluginRoutes } from "./unavailable-plugin-routes.js";
import { validationSchemaController } from "./validation.js";

const API_HEADERS = apiSecurityHeaderList();

/** The request id and (for /api/ URLs) the OWASP REST security headers on an answer. */
function addApiHeaders(request: FastifyRequest, reply: FastifyReply): void {
  // A loop over fixed pairs rather than reply.headers(object): no Object.keys and no
  // megamorphic keyed loads on every answer.
  if (isApiRequest(request.raw)) {
    for (let i = 0; i < API_HEADERS.length; i++) {
      // Indexed, not destructured: destructuring runs the array iterator every time.
      const pair = API_HEADERS[i] as readonly [string, string];
      reply.header(pair[0], pair[1]);
    }
  }
  if (request.protocol === "https") reply.header("strict-transport-security", HSTS_VALUE);
  reply.header("x-request-id", request.id);
}

/**
 * TRUST_PROXY for Fastify (see trust-proxy.ts). Fastify 5.12 trusts nobody for a bare
 * hop count (it cannot tell the proxy from a client); a hop count written out is taken
 * as proxy-addr always took it, the nearest n peers, and the kernel warns at start.
 */
function fastifyTrustProxy(
  setting: boolean | number | string[],
): boolean | string[] | ((address: string, hop: number) => boolean) {
  if (typeof setting !== "number") return setting;
  return (_address, hop) => hop < setting;
}

/**
 * @fastify/swagger-ui sends /api/docs/static/index.html to /api/docs/ with a pattern
 * anchored at the end of the URL: with a query string it redirects to itself, for
 * ever. Any query there goes to the UI's page, as without one.
 */
function breakDocsRedirectLoop(
  request: FastifyRequest,
  reply: FastifyReply,
  done: (error?: Error) => void,
): void {
  if (request.url.startsWith("/api/docs/static/index.html?")) {
    void reply.redirect("/api/docs/");
    return;
  }
  done();
}

/** What @fastify/cors is registered with: the allowed origins, credentials, exposed headers. */
function corsOptions(origins: string[]) {
  return {
    origin: origins,
    credentials: true,
    exposedHeaders: ["x-request-id", "x-cache", "age", "content-disposition", "retry-after"],
  };
}

/**
 * What @fastify/cors adds to an answer to a request without `Origin` (not a preflight),
 * given the options above: `Vary: Origin` (the origin option is a list), the
 * credentials flag and the exposed headers — no Allow-Origin. The hit lane writes these
 * itself; `cached-report-lane.test.ts` compares its answer with the route's, CORS on.
 */
function corsHeadersWithoutOrigin(
  options: ReturnType<typeof corsOptions>,
): Array<readonly [string, string]> {
  return [
    ["vary", "Origin"],
    ["access-control-allow-credentials", String(options.credentials)],
    ["access-control-expose-headers", options.exposedHeaders.join(", ")],
  ];
}

/** Fastify settings of a route generation. */
export function fastifyOptions(kernel: KernelCradle) {
  const root = kernel.logger as FastifyBaseLogger;
  const trustsPeer = compilePeerTrust(kernel.settings.http.trustProxy);
  return {
    // Fastify gets no logger of its own: with one, it adds 'finish' and 'error'
    // listeners, two clock reads and a closure to every response only to time its
    // "request completed" line, which the kernel turns off (the switchboard writes
    // one access line itself). Measured: ~2.5 µs, a tenth of a trivial route.
    // Request loggers still come from the kernel's logger: the factory below ignores
    // the null logger Fastify hands it. (Fastify's own few lines about the instance
    // itself are lost; no kernel or plugin code logs through `app.log`.)
    logger: false,
    logController: new LogController({ disableRequestLogging: true, requestIdLogLabel: "reqId" }),
    // Kernel routes log as "http"; each plugin's context sets its own name (plugin-routes.ts).
    childLoggerFactory: (_fastifyLogger: FastifyBaseLogger, bindings: Record<string, unknown>) =>
      lazyChildLogger(root, "http", bindings),
    bodyLimit: kernel.settings.http.bodyLimitBytes,
    trustProxy: fastifyTrustProxy(kernel.settings.http.trustProxy),
    requestIdHeader: false as const,
    // The switchboard fixes the id before routing; inject() in tests bypasses it, so
    // the same rule runs then.
    genReqId: (request: IncomingMessage) => switchboardRequestId(request, trustsPeer),
    // JSON bodies are validated without type coercion, the other parts with it.
    schemaController: validationSchemaController(),
    // A URL the router cannot decode (`%`, `%E0%A4%A`) or a path segment over its
    // length limit is answered by Fastify before any hook or error handler, in its own
    // shape; these answer like every other error instead.
    frameworkErrors: (error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
      addApiHeaders(request, reply);
      const { status, body } = urlErrorBody(request, error);
      return reply.status(status).send(body);
    },
    return503OnClosing: true,
  };
}

/**
 * Vite content-hashes everything under /assets/ and /chunks/: cached for a year. The
 * page, the shell API module and each plugin's UI entry keep their names across
 * versions: revalidated on every load (ETag), so an upgrade shows at once.
 * (@fastify/static 10 hands setHeaders the Fastify reply, not the raw response.)
 */
const IMMUTABLE = "public, max-age=31536000, immutable";
const REVALIDATE = "no-cache";

function shellCacheHeaders(reply: FastifyReply, file: string): void {
  reply.header(
    "cache-control",
    file.includes(`${path.sep}assets${path.sep}`) ? IMMUTABLE : REVALIDATE,
  );
}

function pluginUiCacheHeaders(reply: FastifyReply, file: string): void {
  reply.header(
    "cache-control",
    file.includes(`${path.sep}chunks${path.sep}`) ? IMMUTABLE : REVALIDATE,
  );
}

export async function buildGeneration(
  kernel: KernelCradle,
  plugins: readonly PluginInstance[],
  /** Plugins that should run but failed: their prefix answers 503 with the reason. */
  unavailable: readonly UnavailablePlugin[] = [],
): Promise<FastifyInstance> {
  const app: FastifyInstance = Fastify(fastifyOptions(kernel));
  const { settings } = kernel;

  // Before any route is added: kernel and plugin routes alike (see bounded-numbers.ts).
  app.addHook("onRoute", boundRouteNumbers);
  // Writes answer 503 while PostgreSQL is lost (database-gate.ts); reads pay nothing.
  installDatabaseGate(app, kernel.databaseWatch);
  installStrictJsonParser(app);
  // API answers: the request id and the OWASP REST security headers, added to
  // Fastify's own header object (see security-headers.ts for why not earlier). HSTS
  // only when the answer travels over HTTPS (RFC 6797 §7.2).
  app.addHook("onRequest", (request, reply, done) => {
    addApiHeaders(request, reply);
    done();
  });
  // Before any library registers its routes: a child context copies the error handler
  // it sees when it is created (the CORS preflight route answered in Fastify's shape).
  const shellIndex = kernel.settings.uiShellDir
    ? path.join(kernel.settings.uiShellDir, "index.html")
    : undefined;
  const hasShell = shellIndex !== undefined && existsSync(shellIndex);
  installErrorHandling(app, {
    databaseWatch: kernel.databaseWatch,
    notFound: (request: FastifyRequest, reply: FastifyReply) => {
      // Deep links into the shell (/reports/invoices) load the shell, which routes them.
      if (
        hasShell &&
        (request.method === "GET" || request.method === "HEAD") &&
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

  const cors =
    settings.http.corsOrigins.length > 0 ? corsOptions(settings.http.corsOrigins) : undefined;
  if (cors) {
    // An OPTIONS request that is not a CORS preflight: @fastify/cors would answer a
    // text/plain 400; the API's error shape instead (this hook runs before cors').
    app.addHook("onRequest", (request, _reply, done) => {
      if (
        request.method === "OPTIONS" &&
        (!request.headers.origin || !request.headers["access-control-request-method"])
      ) {
        done(
          new BadRequestError(
            "An OPTIONS request must be a CORS preflight (Origin and Access-Control-Request-Method)",
          ),
        );
        return;
      }
      done();
    });
    await app.register(fastifyCors, cors);
  }
  // Cached report hits answered before routing (cached-report-lane.ts): the lane writes
  // the headers the hooks above add (the API's, CORS's for a request without Origin)
  // itself; any request hook added from here on, at the root or in a plugin's context,
  // keeps the routes below it off the lane.
  const lanes = new CachedReportLanes({
    tokens: kernel.accessTokens,
    trustsPeer: compilePeerTrust(settings.http.trustProxy),
    apiHeaders: cors ? [...API_HEADERS, ...corsHeadersWithoutOrigin(cors)] : API_HEADERS,
  });
  lanes.watchHooks(app);
  await app.register(rateLimit, { global: false, store: kernel.rateLimitStore });
  const docs = settings.http.openApiDocs;
  if (docs !== "off") {
    await app.register(swagger, {
      openapi: {
        info: {
          title: "roa2web API",
          version: kernel.kernelVersion,
          description: "The kernel's and every running plugin's routes.",
        },
        components: {
          securitySchemes: { bearer: { type: "http", scheme: "bearer", bearerFormat: "JWT" } },
        },
        security: [{ bearer: [] }],
      },
      // Upload forms, no lock on public routes, the errors each route can answer; named
      // shared shapes, file answers, optional bodies (see openapi-document.ts).
      transform: documentRoute,
      transformObject: documentObject,
    });
  }
  if (docs === "public") {
    await app.register(swaggerUi, {
      routePrefix: "/api/docs",
      staticCSP: true,
      transformStaticCSP: docsPageCsp,
      uiHooks: { onRequest: breakDocsRedirectLoop },
    });
  }

  installAccessControl(app, kernel.accessTokens);
  if (hasShell && kernel.settings.uiShellDir) {
    await app.register(fastifyStatic, {
      root: kernel.settings.uiShellDir,
      prefix: "/",
      wildcard: false,
      index: ["index.html"],
      cacheControl: false,
      setHeaders: shellCacheHeaders,
    });
  } else {
    app.get(
      "/",
      { config: { access: "public" }, schema: { hide: true } },
      async (_request, reply) =>
        reply
          .type("text/html")
          .send(
            `<!doctype html><title>roa2web</title><h1>roa2web ${kernel.kernelVersion}</h1><p>The web shell is not built. API docs: <a href="/api/docs">/api/docs</a>, health: <a href="/health">/health</a>.</p>`,
          ),
    );
  }

  if (docs === "signed-in") {
    // The document only (the UI page cannot send a token when it loads it).
    app.get(
      "/api/docs/json",
      { config: { access: "authenticated" }, schema: { hide: true } },
      async () => app.swagger(),
    );
  }

  await app.register(async (scope) => {
    await healthRoutes(scope, kernel);
    await authRoutes(scope, kernel);
    await companiesRoutes(scope, kernel);
    await pluginAdminRoutes(scope, kernel);
    await pluginEventsRoutes(scope, kernel);
    await pluginPackageRoutes(scope, kernel);
    await handoverRoutes(scope, kernel);
  });

  for (const instance of plugins) {
    const ui = instance.manifest.ui;
    if (ui) {
      await app.register(fastifyStatic, {
        root: path.dirname(path.resolve(instance.manifest.root, ui.module)),
        prefix: `/plugins/${instance.manifest.name}/ui/`,
        decorateReply: false,
        cacheControl: false,
        setHeaders: pluginUiCacheHeaders,
      });
    }
    await registerPluginRoutes(
      app,
      instance,
      kernel.logger as FastifyBaseLogger,
      kernel.loopWatch,
      lanes,
    );
  }
  registerUnavailablePluginRoutes(app, unavailable);

  await app.ready();
  lanes.settle();
  attachLanes(app, lanes);
  return app;
}
