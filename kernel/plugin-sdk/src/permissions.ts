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
  const grantedColon = granted.indexOf(":");
  const requiredColon = required.indexOf(":");
  if (grantedColon < 0 || requiredColon < 0) return false;
  // Compared in place: no split (two arrays and four strings per grant and request).
  return (
    partCovers(granted, 0, grantedColon, required, 0, requiredColon) &&
    partCovers(
      granted,
      grantedColon + 1,
      granted.length,
      required,
      requiredColon + 1,
      required.length,
    )
  );
}

/** `*`, or the same characters, between the given bounds of each string. */
function partCovers(
  granted: string,
  grantedStart: number,
  grantedEnd: number,
  required: string,
  requiredStart: number,
  requiredEnd: number,
): boolean {
  const length = grantedEnd - grantedStart;
  if (length === 1 && granted.charCodeAt(grantedStart) === 42 /* "*" */) return true;
  if (length !== requiredEnd - requiredStart) return false;
  for (let i = 0; i < length; i++) {
    if (granted.charCodeAt(grantedStart + i) !== required.charCodeAt(requiredStart + i)) {
      return false;
    }
  }
  return true;
}

export function hasPermission(granted: readonly string[], required: string): boolean {
  for (const permission of granted) if (permissionCovers(permission, required)) return true;
  return false;
}
