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

export function canSeeCompany(user: AuthUser, companyId: number): boolean {
  return user.companies === "*" || user.companies.includes(companyId);
}
