import { describe, expect, it } from "vitest";
import {
  CODE_ALPHABET,
  CODE_LENGTH,
  CODE_TTL_MS,
  codeExpiry,
  codeProblem,
  generateCode,
  hashCode,
  looksLikeCode,
  normalizeCode,
} from "./codes.js";

describe("link codes", () => {
  it("are 8 characters of an alphabet without look-alikes", () => {
    for (const ambiguous of ["0", "O", "1", "I", "L"])
      expect(CODE_ALPHABET).not.toContain(ambiguous);
    const codes = new Set(Array.from({ length: 200 }, () => generateCode()));
    expect(codes.size).toBe(200);
    for (const code of codes) {
      expect(code).toHaveLength(CODE_LENGTH);
      expect(looksLikeCode(code)).toBe(true);
    }
  });

  it("use the random source for every character", () => {
    expect(generateCode(() => 0)).toBe("AAAAAAAA");
    expect(generateCode((max) => max - 1)).toBe("99999999");
  });

  it("are normalised and hashed the same whatever the user typed", () => {
    expect(normalizeCode(" abcd-2345 ")).toBe("ABCD2345");
    expect(hashCode("abcd 2345")).toBe(hashCode("ABCD2345"));
    expect(hashCode("ABCD2345")).toMatch(/^[0-9a-f]{64}$/);
    expect(hashCode("ABCD2345")).not.toContain("ABCD");
    expect(looksLikeCode("ABCD234")).toBe(false);
    expect(looksLikeCode("ABCD2340")).toBe(false);
  });

  it("expire after 10 minutes and are single use", () => {
    const now = new Date("2025-06-01T10:00:00Z");
    const expiresAt = codeExpiry(now);
    expect(expiresAt.getTime() - now.getTime()).toBe(CODE_TTL_MS);
    expect(CODE_TTL_MS).toBe(600_000);
    expect(codeProblem(null, now)).toBe("unknown");
    expect(codeProblem({ expiresAt, usedAt: null }, now)).toBeNull();
    expect(codeProblem({ expiresAt, usedAt: now }, now)).toBe("used");
    expect(codeProblem({ expiresAt, usedAt: null }, expiresAt)).toBe("expired");
  });
});
