/** Who calls a report, and whether they may see the company they ask about. */
import { type AuthUser, UnauthorizedError } from "@roa2web/plugin-sdk";
import { CompanyNotGrantedError } from "./errors.js";

/** Whose data scope a report is read in: the companies the caller may see (a signed-in user is one). */
export interface ReportCaller {
  companies: readonly number[] | "*";
}

/**
 * The signed-in caller of a route that declares a permission. The kernel has checked
 * the token already; this narrows the type and guards a route made public by mistake.
 */
export function callerOf(request: { user: AuthUser | null }): ReportCaller {
  if (request.user === null) throw new UnauthorizedError();
  // The user itself (the reports read only `companies`): no object per request.
  return request.user;
}

/** 403 unless the caller may see the company. */
export function checkGrant(caller: ReportCaller, company: number): void {
  if (caller.companies !== "*" && !caller.companies.includes(company)) {
    throw new CompanyNotGrantedError(company);
  }
}
