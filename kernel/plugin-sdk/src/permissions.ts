/**
 * Permissions are strings `plugin:action`. A grant may use `*` for either part
 * (`reports:*`, `*:read`, `*:*`).
 */
export type Permission = `${string}:${string}`;

/** Route-level access: a permission, any signed-in user, or nobody checked at all. */
export type RouteAccess = Permission | "authenticated" | "public";

const PERMISSION_PATTERN = /^([a-z0-9][a-z0-9-]*|\*):([a-z0-9][a-z0-9-]*|\*)$/;

export function isPermission(value: unknown): value is Permission {
  return typeof value === "string" && PERMISSION_PATTERN.test(value);
}

export function isRouteAccess(value: unknown): value is RouteAccess {
  return value === "public" || value === "authenticated" || isPermission(value);
}

/** Whether one granted permission covers the required one. */
export function permissionCovers(granted: string, required: string): boolean {
  // Fast paths: checked on every authenticated request.
  if (granted === required || granted === "*:*") return true;
  const [gScope, gAction] = granted.split(":", 2);
  const [rScope, rAction] = required.split(":", 2);
  if (
    gScope === undefined ||
    gAction === undefined ||
    rScope === undefined ||
    rAction === undefined
  ) {
    return false;
  }
  return (gScope === "*" || gScope === rScope) && (gAction === "*" || gAction === rAction);
}

export function hasPermission(granted: readonly string[], required: string): boolean {
  for (const permission of granted) if (permissionCovers(permission, required)) return true;
  return false;
}
