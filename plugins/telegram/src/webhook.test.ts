import { describe, expect, it } from "vitest";
import { RecentUpdates, secretMatches } from "./webhook.js";

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

describe("RecentUpdates", () => {
  it("refuses an id seen before and forgets the oldest beyond its capacity", () => {
    const recent = new RecentUpdates(3);
    expect(recent.add(1)).toBe(true);
    expect(recent.add(1)).toBe(false);
    for (const id of [2, 3, 4]) expect(recent.add(id)).toBe(true);
    expect(recent.size).toBe(3);
    expect(recent.add(1)).toBe(true);
    expect(recent.add(4)).toBe(false);
  });
});
