/** The caller of a report route, as the report service needs it. */
import { type AuthUser, UnauthorizedError } from "@roa2web/plugin-sdk";
import type { ReportCaller } from "./contract.js";

/**
 * The signed-in caller of a route that declares a permission. The kernel has checked
 * the token already; this narrows the type and guards a route made public by mistake.
 */
export function callerOf(request: { user: AuthUser | null }): ReportCaller {
  if (request.user === null) throw new UnauthorizedError();
  // The user itself (the service reads only `companies`): no object per request.
  return request.user;
}
