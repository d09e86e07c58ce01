/**
 * Security headers (helmet), built once for the process and applied by the
 * switchboard before routing, for every generation alike.
 *
 * - JSON API responses (`/api/…` except the OpenAPI UI) get the set OWASP's REST
 *   Security Cheat Sheet lists for APIs: a CSP that forbids everything
 *   (`default-src 'none'; frame-ancestors 'none'`), nosniff, DENY framing,
 *   `Cache-Control: no-store`.
 *   A browser never renders them, so helmet's document headers would only add ~900
 *   bytes and ~7 µs to every answer (each header costs Node a validation pass).
 * - Everything else (the shell, plugin UIs, the OpenAPI UI) gets helmet's full set
 *   with a CSP for a same-origin app.
 * - HSTS only on answers that travel over HTTPS (TLS here, or `X-Forwarded-Proto:
 *   https` from a trusted proxy): RFC 6797 §7.2 says a host must not send it over
 *   plain HTTP, and browsers ignore it there. The generation's hook adds it.
 *
 * @fastify/helmet is not used: it re-parses its configuration on every request
 * (about a fifth of a trivial route's CPU in our profile) and would be registered
 * again in every route generation.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import helmet from "helmet";

/** Sets headers on a response before it is routed; synchronous. */
export type HeaderSetter = (request: IncomingMessage, response: ServerResponse) => void;

type Helmet = (
  request: IncomingMessage,
  response: ServerResponse,
  next: (error?: unknown) => void,
) => void;

/** helmet's default policy: a year, subdomains included. */
export const HSTS_VALUE = "max-age=31536000; includeSubDomains";

function documentHeaders(): Helmet {
  return helmet({
    // Added per request only over HTTPS (see above).
    strictTransportSecurity: false,
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", "data:", "blob:"],
        connectSrc: ["'self'"],
        objectSrc: ["'none'"],
        frameAncestors: ["'none'"],
        // Off: behind plain HTTP on a LAN address it would rewrite the shell's own
        // script URLs to https and break the page. HTTPS deployments get HSTS instead.
        upgradeInsecureRequests: null,
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
    crossOriginResourcePolicy: false,
    originAgentCluster: false,
    referrerPolicy: false,
    strictTransportSecurity: false,
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
  // Token answers must not be stored (RFC 6749 §5.1), nor any user's data by a shared
  // cache or the browser's disk: OWASP's REST set has it too. A route that wants
  // revalidation (the reports' ETag answers) sets its own Cache-Control over this one.
  headers.push(["cache-control", "no-store"]);
  return headers;
}

/** The API header set as [lower-case name, value] pairs, computed once. */
export function apiSecurityHeaderList(): ReadonlyArray<readonly [string, string]> {
  return Object.freeze(
    apiHeaderList().map(([name, value]) => Object.freeze([name.toLowerCase(), value] as const)),
  );
}

/** A JSON API URL: under /api/ except the OpenAPI UI (which is a document). */
export function isApiUrl(url: string | undefined): boolean {
  return url?.startsWith("/api/") === true && !url.startsWith("/api/docs");
}

/**
 * Headers for everything that is not a JSON API answer (documents, static files,
 * the 503 while starting). API answers get theirs from the generation's onRequest
 * hook instead: a header set on the raw response before Fastify writes its own
 * pushes Node's writeHead onto its slow path (measured: ~7 µs a request).
 */
export function createDocumentHeaders(): HeaderSetter {
  const documents = documentHeaders();
  // helmet's middleware is synchronous (each step calls the next one directly), so it
  // runs here without a continuation closure per request.
  const failed = (error?: unknown) => {
    if (error) throw error;
  };
  // The switchboard calls this only for URLs that are not JSON API ones.
  return (request, response) => documents(request, response, failed);
}
