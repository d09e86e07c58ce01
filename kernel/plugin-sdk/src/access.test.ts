import { describe, expect, it } from "vitest";
import { assertCanSeeCompany, CompanyNotAllowedError, signedInUser } from "./access.js";
import type { AuthUser } from "./auth.js";
import { ForbiddenError, isRoaError } from "./errors.js";

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

  it("refuses another company with a 403 that names it", () => {
    let thrown: unknown;
    try {
      assertCanSeeCompany(user([1]), 2);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(CompanyNotAllowedError);
    // Still the catalogue's FORBIDDEN: the shell and the error handler know it.
    expect(thrown).toBeInstanceOf(ForbiddenError);
    expect(isRoaError(thrown)).toBe(true);
    expect(thrown).toMatchObject({
      code: "FORBIDDEN",
      statusCode: 403,
      message: "You may not see company 2",
      details: { company: 2 },
    });
  });

  it("takes a bare list of grants, as a service caller carries them", () => {
    expect(() => assertCanSeeCompany([5, 6], 6)).not.toThrow();
    expect(() => assertCanSeeCompany("*", 6)).not.toThrow();
    expect(() => assertCanSeeCompany([], 6)).toThrow(CompanyNotAllowedError);
  });
});

describe("signedInUser", () => {
  it("answers the caller, or a 401 when nobody signed in", () => {
    const ana = user("*");
    expect(signedInUser({ user: ana })).toBe(ana);
    expect(() => signedInUser({ user: null })).toThrow(
      expect.objectContaining({ code: "UNAUTHORIZED", statusCode: 401 }),
    );
  });
});
