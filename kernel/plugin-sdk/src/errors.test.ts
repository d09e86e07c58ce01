import { describe, expect, it } from "vitest";
import {
  ConflictError,
  ForbiddenError,
  isRoaError,
  NotFoundError,
  RoaError,
  ServiceUnavailableError,
} from "./errors.js";

describe("error catalogue", () => {
  it("gives every error a stable code and an HTTP status", () => {
    const error = new NotFoundError("No receipt 7", { details: { id: 7 } });
    expect(error).toMatchObject({
      code: "NOT_FOUND",
      statusCode: 404,
      message: "No receipt 7",
      details: { id: 7 },
    });
    expect(error.name).toBe("NotFoundError");
    expect(new ForbiddenError().message).toBe("You do not have permission to do this");
    expect([new ConflictError().statusCode, new ServiceUnavailableError().statusCode]).toEqual([
      409, 503,
    ]);
  });

  it("recognises errors from another copy of the SDK by their brand, not by class", () => {
    const foreign = Object.assign(new Error("x"), {
      [Symbol.for("roa2web.error")]: true,
      code: "X",
      statusCode: 418,
    });
    expect(isRoaError(foreign)).toBe(true);
    expect(isRoaError(new Error("plain"))).toBe(false);
    expect(isRoaError(new RoaError("CUSTOM", 422, "custom"))).toBe(true);
    expect(isRoaError(null)).toBe(false);
  });

  it("keeps the cause for the log", () => {
    const cause = new Error("ORA-03113");
    expect(new ServiceUnavailableError("ERP down", { cause }).cause).toBe(cause);
  });
});
