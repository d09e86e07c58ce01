/**
 * Security headers (helmet), built once for the process and applied by the
 * switchboard before routing, for every generation alike.
 *
 * - JSON API responses (`/api/…` except the OpenAPI UI) get the short set OWASP's REST
 *   Security Cheat Sheet recommends for APIs: a CSP that forbids everything
 *   (`default-src 'none'; frame-ancestors 'none'`), nosniff, DENY framing, HSTS,
 *   no-referrer, CORP same-origin. A browser never renders them, so the rest of
 *   helmet's document headers would only add ~900 bytes to every answer.
 * - Everything else (the shell, plugin UIs, the OpenAPI UI) gets helmet's full set
 *   with a CSP for a same-origin app.
 *
 * @fastify/helmet is not used: it re-parses its configuration on every request
 * (about a fifth of a trivial route's CPU in our profile) and would be registered
 * again in every route generation.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import helmet from "helmet";

export type HeaderMiddleware = (
  request: IncomingMessage,
  response: ServerResponse,
  next: (error?: unknown) => void,
) => void;

type Helmet = (
  request: IncomingMessage,
  response: ServerResponse,
  next: (error?: unknown) => void,
) => void;

function documentHeaders(): Helmet {
  return helmet({
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", "data:", "blob:"],
        connectSrc: ["'self'"],
        objectSrc: ["'none'"],
        frameAncestors: ["'none'"],
      },
    },
  }) as Helmet;
}

/** The API set, computed once by running helmet against a recorder. */
function apiHeaderList(): Array<[string, string]> {
  const api = helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] },
    },
    crossOriginOpenerPolicy: false,
    crossOriginResourcePolicy: { policy: "same-origin" },
    originAgentCluster: false,
    referrerPolicy: { policy: "no-referrer" },
    xDnsPrefetchControl: false,
    xDownloadOptions: false,
    xFrameOptions: { action: "deny" },
    xPermittedCrossDomainPolicies: false,
    xXssProtection: false,
  }) as Helmet;
  const headers: Array<[string, string]> = [];
  const recorder = {
    setHeader: (name: string, value: string) => headers.push([name, String(value)]),
    removeHeader: () => undefined,
  } as unknown as ServerResponse;
  api({ headers: {} } as IncomingMessage, recorder, () => undefined);
  return headers;
}

function isApi(url: string | undefined): boolean {
  return url?.startsWith("/api/") === true && !url.startsWith("/api/docs");
}

export function createSecurityHeaders(): HeaderMiddleware {
  const documents = documentHeaders();
  const api = apiHeaderList();
  return (request, response, next) => {
    if (!isApi(request.url)) return documents(request, response, next);
    for (const [name, value] of api) response.setHeader(name, value);
    next();
  };
}
