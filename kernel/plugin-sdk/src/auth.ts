import type { Permission } from "./permissions.js";

/** The signed-in caller, as the kernel's auth hook puts it on `request.user`. */
export interface AuthUser {
  id: number;
  username: string;
  displayName: string;
  permissions: readonly Permission[];
  /** Company ids the user may see, or `"*"` for all. */
  companies: readonly number[] | "*";
}

/** Company grants as the kernel stores them: a list of ids, or "*" for every company. */
export type CompanyGrants = readonly number[] | "*";

/** Whether a user (or a bare list of grants, e.g. from a service caller) covers a company. */
export function canSeeCompany(who: AuthUser | CompanyGrants, companyId: number): boolean {
  const companies =
    who === "*" || Array.isArray(who) ? (who as CompanyGrants) : (who as AuthUser).companies;
  return companies === "*" || companies.includes(companyId);
}
