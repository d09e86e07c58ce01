/** Who may do what with notes, beyond the route's permission (checked by the kernel). */
import { type AuthUser, canSeeCompany, UnauthorizedError } from "@roa2web/plugin-sdk";
import { CompanyNotAllowedError } from "./errors.js";

/**
 * The caller of a route that declares a permission or "authenticated". The kernel has
 * already checked the token, so this only narrows the type (and guards a route that
 * was changed to "public" by mistake).
 */
export function signedInUser(request: { user: AuthUser | null }): AuthUser {
  if (request.user === null) throw new UnauthorizedError();
  return request.user;
}

export function assertCanSeeCompany(user: AuthUser, companyId: number): void {
  if (!canSeeCompany(user, companyId)) throw new CompanyNotAllowedError(companyId);
}
