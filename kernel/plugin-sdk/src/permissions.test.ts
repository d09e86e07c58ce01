import { describe, expect, it } from "vitest";
import { hasPermission, isPermission, isRouteAccess, permissionCovers } from "./permissions.js";

describe("permissions", () => {
  it.each([
    ["reports:read", "reports:read", true],
    ["reports:*", "reports:export", true],
    ["*:read", "reports:read", true],
    ["*:*", "data-entry:approve", true],
    ["reports:read", "reports:export", false],
    ["reports:*", "data-entry:read", false],
    ["*:read", "reports:export", false],
    ["reports", "reports:read", false],
    // Compared part by part in place: a prefix or a longer part is not the same part.
    ["report:read", "reports:read", false],
    ["reports:rea", "reports:read", false],
    ["reports:reads", "reports:read", false],
    ["reports-x:read", "reports:read", false],
    ["*:reads", "reports:read", false],
    ["reports:*", "reports-archive:read", false],
    ["*", "reports:read", false],
  ])("%s covers %s: %s", (granted, required, expected) => {
    expect(permissionCovers(granted, required)).toBe(expected);
  });

  it("checks a list of grants", () => {
    expect(hasPermission(["reports:read", "data-entry:*"], "data-entry:approve")).toBe(true);
    expect(hasPermission(["reports:read"], "kernel:admin")).toBe(false);
    expect(hasPermission([], "reports:read")).toBe(false);
  });

  it("recognises well-formed permissions and route access rules", () => {
    expect(isPermission("data-entry:write")).toBe(true);
    expect(isPermission("*:*")).toBe(true);
    expect(isPermission("Reports:Read")).toBe(false);
    expect(isPermission("reports")).toBe(false);
    expect(isPermission("reports:read:extra")).toBe(false);
    expect(isRouteAccess("public")).toBe(true);
    expect(isRouteAccess("authenticated")).toBe(true);
    expect(isRouteAccess("anyone")).toBe(false);
  });
});

describe("company grants", () => {
  it("accepts a user or a bare list of grants", async () => {
    const { canSeeCompany } = await import("./auth.js");
    const user = {
      id: 1,
      username: "a",
      displayName: "A",
      permissions: [],
      companies: [2, 3],
    } as const;
    expect(canSeeCompany(user, 2)).toBe(true);
    expect(canSeeCompany(user, 1)).toBe(false);
    expect(canSeeCompany([5], 5)).toBe(true);
    expect(canSeeCompany("*", 42)).toBe(true);
    expect(canSeeCompany([], 1)).toBe(false);
  });
});
