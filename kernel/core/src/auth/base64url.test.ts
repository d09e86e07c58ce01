import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { isCanonicalBase64url, isCanonicalJws } from "./base64url.js";

describe("canonical base64url", () => {
  it("accepts what Node encodes, for every length remainder", () => {
    for (let size = 0; size < 70; size++) {
      const text = randomBytes(size).toString("base64url");
      expect(isCanonicalBase64url(text), text).toBe(true);
    }
  });

  it("refuses every other spelling of the same bytes", () => {
    for (const size of [1, 2, 32]) {
      const bytes = randomBytes(size);
      const canonical = bytes.toString("base64url");
      const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
      const others = [...alphabet]
        .map((last) => canonical.slice(0, -1) + last)
        .filter((text) => text !== canonical)
        .filter((text) => Buffer.from(text, "base64url").equals(bytes));
      // 32 bytes → 43 characters, 2 unused bits → 3 other spellings that decode alike.
      expect(others.length).toBe(size === 1 ? 15 : 3);
      for (const other of others) expect(isCanonicalBase64url(other), other).toBe(false);
    }
  });

  it("refuses padding, standard base64 characters and impossible lengths", () => {
    for (const text of ["QQ==", "QQ=", "a+b/", "ab cd", "abcde", "é"])
      expect(isCanonicalBase64url(text), text).toBe(false);
  });

  it("checks each of a JWS's three segments", () => {
    const segment = () => randomBytes(32).toString("base64url");
    const token = `${segment()}.${segment()}.${segment()}`;
    expect(isCanonicalJws(token)).toBe(true);
    const [a, b, c] = token.split(".") as [string, string, string];
    const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    // The last character with its lowest (unused) bit set: same bytes, another spelling.
    const flip = (text: string) =>
      text.slice(0, -1) + alphabet[alphabet.indexOf(text.slice(-1)) | 1];
    expect(isCanonicalJws(`${flip(a)}.${b}.${c}`)).toBe(false);
    expect(isCanonicalJws(`${a}.${flip(b)}.${c}`)).toBe(false);
    expect(isCanonicalJws(`${a}.${b}.${flip(c)}`)).toBe(false);
    for (const bad of [`${a}.${b}`, `${a}.${b}.${c}.`, `.${b}.${c}`, `${a}..${c}`, `${a}.${b}.`])
      expect(isCanonicalJws(bad), bad).toBe(false);
  });
});
