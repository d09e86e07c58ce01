import type { AuthUser } from "@roa2web/plugin-sdk";
import { describe, expect, it } from "vitest";
import { assertCanSeeCompany, signedInUser } from "./access.js";

const user = (companies: AuthUser["companies"]): AuthUser => ({
  id: 1,
  username: "ana",
  displayName: "Ana",
  permissions: [],
  companies,
});

describe("assertCanSeeCompany", () => {
  it("lets a user see the companies granted, or every company with *", () => {
    expect(() => assertCanSeeCompany(user([1, 3]), 3)).not.toThrow();
    expect(() => assertCanSeeCompany(user("*"), 42)).not.toThrow();
  });

  it("refuses another company with a 403 naming it", () => {
    expect(() => assertCanSeeCompany(user([1]), 2)).toThrow(
      expect.objectContaining({ code: "FORBIDDEN", statusCode: 403, details: { company: 2 } }),
    );
  });
});

describe("signedInUser", () => {
  it("answers the caller, or a 401 when there is none", () => {
    const ana = user("*");
    expect(signedInUser({ user: ana })).toBe(ana);
    expect(() => signedInUser({ user: null })).toThrow(
      expect.objectContaining({ statusCode: 401 }),
    );
  });
});
