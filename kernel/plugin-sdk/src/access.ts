/**
 * Who may do what inside a route, beyond the route's own permission (which the kernel
 * checks before the handler runs): the signed-in caller, and the companies they may see.
 */
import { type AuthUser, type CompanyGrants, canSeeCompany } from "./auth.js";
import { ForbiddenError, UnauthorizedError } from "./errors.js";

/**
 * A company the caller is not granted: 403, `details.company` names it, so a client
 * can say which one (the shell shows the FORBIDDEN headline and the message).
 */
export class CompanyNotAllowedError extends ForbiddenError {
  constructor(companyId: number) {
    super(`You may not see company ${companyId}`, { details: { company: companyId } });
  }
}

/**
 * The caller of a route that declares a permission or "authenticated". The kernel has
 * already checked the token, so this only narrows the type (and answers 401 on a route
 * that was made "public" by mistake). Takes the request, or anything carrying `user`.
 */
export function signedInUser(request: { readonly user: AuthUser | null }): AuthUser {
  if (request.user === null) throw new UnauthorizedError();
  return request.user;
}

/**
 * Refuses (CompanyNotAllowedError, 403) a company the user — or a bare list of grants,
 * such as a service caller's — does not cover. Use it where the company is named by
 * the caller (a query, a body); for a record found by id, answer 404 instead, so its
 * existence does not leak to someone who may not see it.
 */
export function assertCanSeeCompany(who: AuthUser | CompanyGrants, companyId: number): void {
  if (!canSeeCompany(who, companyId)) throw new CompanyNotAllowedError(companyId);
}
