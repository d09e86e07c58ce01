/**
 * The hit lane (ADR 0038): the switchboard answers a cached report's L1 hit before
 * routing, when everything the full path would do for that request is known to be
 * the lane's own few steps. Through Fastify, a kernel with a hundred routes and a
 * dozen plugins spends about twice the CPU of a bare Fastify route on the same hit
 * (route look-up, hook runner, request and reply objects, megamorphic property access
 * in code every route shares); the lane is one map look-up, the same credential, grant
 * and cache checks as the route, and one `writeHead`.
 *
 * The lane never decides anything the route would decide otherwise. It answers only
 * when all of these hold, and otherwise the request is routed as usual:
 * - a GET with no body and no `Origin` (CORS answers one with headers of its own;
 *   without it, CORS's are fixed); an `If-None-Match` naming the answer's ETag gets
 *   the route's 304;
 * - the route is a `defineCachedReport` declaration that needs a permission or a
 *   signed-in caller, with no hook of its own, of its plugin or of any context above
 *   it besides the kernel's (a rate limit, an upload parser, a plugin's `onSend`…) and
 *   no CORS settings of its own;
 * - the exact URL (path and query string) was answered by the route before, so the
 *   route's schema and the declaration's `prepare` accepted that very query;
 * - the connection's previous request sent the same `Authorization` header and it is
 *   still valid (connection-credentials.ts: the token cache's own rule);
 * - the caller has the route's permission and the query's company;
 * - `prepare` answers at once and the value is in L1, already serialised once.
 * Any throw in the lane also routes the request as usual.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { type AuthUser, hasPermission, type RouteAccess } from "@roa2web/plugin-sdk";
import type { FastifyInstance } from "fastify";
import type { AccessTokens } from "../auth/access-tokens.js";
import { type CachedReportHit, holdsEtag } from "./cached-report-route.js";
import { rememberedUser } from "./connection-credentials.js";
import { HSTS_VALUE } from "./security-headers.js";

/** A cached report route's side of the lane: its hit for a URL and caller, if at hand. */
export interface HitSource {
  hit(url: string, user: AuthUser): CachedReportHit | undefined;
}

/** Marks a request hook the lane itself stands for (the kernel's access check). */
const LANE_KNOWS = Symbol("roa2web.laneKnowsHook");

export function laneKnows<T extends object>(hook: T): T {
  (hook as T & { [LANE_KNOWS]?: true })[LANE_KNOWS] = true;
  return hook;
}

/** Fastify's per-request hooks: any of them on a route's way takes it off the lane. */
const REQUEST_HOOKS = new Set([
  "onRequest",
  "preParsing",
  "preValidation",
  "preHandler",
  "preSerialization",
  "onSend",
  "onResponse",
  "onError",
  "onTimeout",
  "onRequestAbort",
]);

/** Whether a route's own options carry a request hook the lane does not stand for. */
export function hasOwnRequestHooks(route: Record<string, unknown>): boolean {
  for (const name of REQUEST_HOOKS) {
    const hooks = route[name];
    if (hooks === undefined || hooks === null) continue;
    const list = Array.isArray(hooks) ? hooks : [hooks];
    if (list.some((hook) => !(hook as { [LANE_KNOWS]?: true })[LANE_KNOWS])) return true;
  }
  return false;
}

interface Candidate {
  path: string;
  access: RouteAccess;
  /** The Fastify context the route was declared in (its hooks: that and every one above). */
  context: object;
  source: HitSource;
}

interface Lane {
  access: RouteAccess;
  source: HitSource;
}

export interface CachedReportLanesOptions {
  tokens: AccessTokens;
  /** Whether the socket's peer is a trusted proxy (its X-Forwarded-Proto counts). */
  trustsPeer: (peer: string | undefined) => boolean;
  /**
   * The headers the generation's root hooks add to every API answer to a request the
   * lane takes: the API's security headers (security-headers.ts), CORS's if on.
   */
  apiHeaders: ReadonlyArray<readonly [string, string]>;
}

/** The lanes of one route generation: built with it, swapped in and out with it. */
export class CachedReportLanes {
  private readonly candidates: Candidate[] = [];
  private readonly lanes = new Map<string, Lane>();
  /** Contexts a request hook was added to (their routes and their children's: off the lane). */
  private readonly hooked = new WeakSet<object>();
  private closed = false;
  /** How many requests the lanes answered (tests; the figure a diagnostic would show). */
  answered = 0;
  /** The API headers but Cache-Control, which a cached report sets itself. */
  private readonly fixedHeaders: string[];

  constructor(private readonly options: CachedReportLanesOptions) {
    this.fixedHeaders = options.apiHeaders.filter(([name]) => name !== "cache-control").flat();
  }

  /**
   * Notes every request hook added from now on to `app` or any context below it (a
   * child context inherits the wrapped `addHook`), except `allowed` ones. Call on the
   * generation's root once its own hooks that the lane stands for are in.
   */
  watchHooks(app: FastifyInstance): void {
    const addHook = app.addHook;
    const hooked = this.hooked;
    // biome-ignore lint/suspicious/noExplicitAny: Fastify's addHook has a dozen overloads.
    (app as any).addHook = function (this: object, name: string, ...rest: unknown[]) {
      if (REQUEST_HOOKS.has(name)) hooked.add(this);
      // biome-ignore lint/suspicious/noExplicitAny: forwards the overload as called.
      return (addHook as any).call(this, name, ...rest);
    };
  }

  /** A cached report route that may take the lane (decided once the generation is ready). */
  offer(candidate: Candidate): void {
    if (this.closed) throw new Error("A lane was offered after the generation was ready");
    this.candidates.push(candidate);
  }

  /**
   * Once the generation is ready (no hook can be added any more): keeps the candidates
   * whose context and every context above it took no request hook.
   */
  settle(): void {
    this.closed = true;
    for (const candidate of this.candidates) {
      if (this.hookedAbove(candidate.context)) continue;
      this.lanes.set(candidate.path, { access: candidate.access, source: candidate.source });
    }
    this.candidates.length = 0;
  }

  private hookedAbove(context: object | null): boolean {
    for (let at = context; at !== null; at = Object.getPrototypeOf(at)) {
      if (this.hooked.has(at)) return true;
    }
    return false;
  }

  /** The paths that took the lane (tests, the admin's diagnostics). */
  get paths(): string[] {
    return [...this.lanes.keys()];
  }

  /**
   * Answers the request when it is a cached report's L1 hit the lane may serve;
   * false (nothing written) to route it as usual.
   */
  serve(request: IncomingMessage, response: ServerResponse, id: string): boolean {
    if (this.lanes.size === 0 || request.method !== "GET") return false;
    const headers = request.headers;
    if (
      headers.origin !== undefined ||
      headers["content-length"] !== undefined ||
      headers["transfer-encoding"] !== undefined
    ) {
      return false;
    }
    const url = request.url as string;
    const query = url.indexOf("?");
    const lane = this.lanes.get(query === -1 ? url : url.slice(0, query));
    if (lane === undefined) return false;
    const header = headers.authorization;
    if (header === undefined) return false;
    try {
      const user = rememberedUser(request.socket, header, this.options.tokens);
      if (user === undefined || !mayCall(user, lane.access)) return false;
      const hit = lane.source.hit(url, user);
      if (hit === undefined) return false;
      // The client holds this very answer: the route's 304 (its headers, no body).
      const held = holdsEtag(headers["if-none-match"], hit.etag);
      const lines = this.fixedHeaders.slice();
      lines.push(
        "cache-control",
        "private, no-cache",
        "x-cache",
        hit.source,
        "age",
        String(hit.age),
        "etag",
        hit.etag,
        "content-type",
        "application/json; charset=utf-8",
        "content-length",
        held ? "0" : String(hit.json.length),
        "x-request-id",
        id,
      );
      if (this.isHttps(request)) lines.push("strict-transport-security", HSTS_VALUE);
      response.writeHead(held ? 304 : 200, lines);
      response.end(held ? undefined : hit.json);
      this.answered += 1;
      return true;
    } catch {
      return false;
    }
  }

  /** Fastify's `request.protocol`, as the route would see it (trusted X-Forwarded-Proto). */
  private isHttps(request: IncomingMessage): boolean {
    const forwarded = request.headers["x-forwarded-proto"];
    const socket = request.socket;
    if (forwarded !== undefined && this.options.trustsPeer(socket.remoteAddress)) {
      const value = Array.isArray(forwarded) ? forwarded.join(",") : forwarded;
      return value.slice(value.lastIndexOf(",") + 1).trim() === "https";
    }
    return (socket as { encrypted?: boolean }).encrypted === true;
  }
}

function mayCall(user: AuthUser, access: RouteAccess): boolean {
  if (access === "public") return false;
  if (access === "authenticated") return true;
  return hasPermission(user.permissions, access);
}

const LANES = new WeakMap<FastifyInstance, CachedReportLanes>();

/** Attaches a generation's lanes to its Fastify instance (the switchboard asks for them). */
export function attachLanes(app: FastifyInstance, lanes: CachedReportLanes): void {
  LANES.set(app, lanes);
}

export function lanesOf(app: FastifyInstance): CachedReportLanes | undefined {
  return LANES.get(app);
}
