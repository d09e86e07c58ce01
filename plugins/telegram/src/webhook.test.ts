import { describe, expect, it } from "vitest";
import { secretMatches } from "./webhook.js";

describe("secretMatches", () => {
  it("accepts only the exact secret", () => {
    const secret = "s3cret-s3cret-s3cret";
    expect(secretMatches(secret, secret)).toBe(true);
    expect(secretMatches(secret, undefined)).toBe(false);
    expect(secretMatches(secret, "")).toBe(false);
    expect(secretMatches(secret, `${secret}x`)).toBe(false);
    expect(secretMatches(secret, secret.toUpperCase())).toBe(false);
  });
});
