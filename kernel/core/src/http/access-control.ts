/**
 * Every route says who may call it (`config.access`). The check is attached to each
 * route once, when the route is registered, so a request pays only for its own
 * route's rule. A route under /api without a rule is refused at load time.
 */

import {
  ForbiddenError,
  hasPermission,
  isRouteAccess,
  type RouteAccess,
  UnauthorizedError,
} from "@roa2web/plugin-sdk";
import type {
  FastifyInstance,
  FastifyReply,
  FastifyRequest,
  HookHandlerDoneFunction,
  RouteOptions,
} from "fastify";
import type { AccessTokens } from "../auth/access-tokens.js";
import { laneKnows } from "./cached-report-lane.js";
import { rememberCredential, rememberedUser } from "./connection-credentials.js";

type OnRequest = (
  request: FastifyRequest,
  reply: FastifyReply,
  done: HookHandlerDoneFunction,
) => void;

/** Routes the kernel mounts from libraries (OpenAPI UI, static files) are public by nature. */
function isLibraryRoute(url: string): boolean {
  return url === "/api/docs" || url.startsWith("/api/docs/") || !url.startsWith("/api");
}

export function accessOf(route: Pick<RouteOptions, "config" | "url" | "method">): RouteAccess {
  const access = (route.config as { access?: unknown } | undefined)?.access;
  if (access === undefined) {
    if (isLibraryRoute(route.url)) return "public";
    throw new Error(
      `Route ${String(route.method)} ${route.url} declares no access: set config.access to a permission, "authenticated" or "public"`,
    );
  }
  if (!isRouteAccess(access)) {
    throw new Error(
      `Route ${String(route.method)} ${route.url} has an invalid config.access "${String(access)}"`,
    );
  }
  return access;
}

/** The token of an `Authorization: Bearer <token>` header, if the request has one. */
export function bearerTokenOf(request: Pick<FastifyRequest, "headers">): string | undefined {
  return bearerToken(request.headers.authorization);
}

function bearerToken(header: string | undefined): string | undefined {
  if (header === undefined || !/^Bearer /i.test(header)) return undefined;
  return header.slice(7).trim() || undefined;
}

export function installAccessControl(app: FastifyInstance, tokens: AccessTokens): void {
  app.decorateRequest("user", null);
  const authenticate = (request: FastifyRequest): void => {
    const header = request.headers.authorization;
    // The connection's previous request sent this very header (see connection-credentials.ts).
    const connection = request.raw.socket;
    const remembered =
      header === undefined ? undefined : rememberedUser(connection, header, tokens);
    if (remembered !== undefined) {
      request.user = remembered;
      return;
    }
    const token = bearerToken(header);
    if (token === undefined) {
      throw new UnauthorizedError("Sign in first: send Authorization: Bearer <access token>", {
        details: { reason: "missing_token" },
      });
    }
    const verified = tokens.verify(token);
    rememberCredential(connection, header as string, verified, tokens);
    request.user = verified.user;
  };
  // The hit lane (cached-report-lane.ts) runs these very checks itself.
  const signedIn: OnRequest = laneKnows((request, _reply, done) => {
    try {
      authenticate(request);
      done();
    } catch (error) {
      done(error as Error);
    }
  });
  const withPermission = (permission: string): OnRequest =>
    laneKnows((request, _reply, done) => {
      try {
        authenticate(request);
        if (!hasPermission(request.user?.permissions ?? [], permission)) {
          throw new ForbiddenError(`This needs the permission ${permission}`, {
            details: { permission },
          });
        }
        done();
      } catch (error) {
        done(error as Error);
      }
    });

  app.addHook("onRoute", (route) => {
    const access = accessOf(route);
    if (access === "public") return;
    const hook = access === "authenticated" ? signedIn : withPermission(access);
    const existing =
      route.onRequest === undefined
        ? []
        : Array.isArray(route.onRequest)
          ? route.onRequest
          : [route.onRequest];
    route.onRequest = [hook, ...existing] as RouteOptions["onRequest"];
  });
}
