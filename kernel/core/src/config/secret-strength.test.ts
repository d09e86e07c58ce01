import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  DEVELOPMENT_JWT_SECRET,
  estimateSecretBits,
  MINIMUM_SECRET_BITS,
  secretWeakness,
} from "./secret-strength.js";

describe("secret strength", () => {
  it("accepts what the documentation says to use (openssl rand -base64 48) and hex of 32 bytes", () => {
    for (let i = 0; i < 200; i++) {
      expect(secretWeakness(randomBytes(48).toString("base64"))).toBeUndefined();
      expect(secretWeakness(randomBytes(32).toString("hex"))).toBeUndefined();
    }
  });

  it("refuses the development secret and says so", () => {
    expect(secretWeakness(DEVELOPMENT_JWT_SECRET)).toMatch(/development secret/);
  });

  it("refuses long strings with little entropy: repeats, sequences, few characters", () => {
    for (const weak of [
      "x".repeat(40),
      "abcd".repeat(10),
      "0123456789abcdefghijklmnopqrstuvwxyz",
      "aaaaaaaaaaaaaaaabbbbbbbbbbbbbbbbcccccccc",
      "passwordpasswordpassword1234567890",
      "10101010011010100101101001011010",
      `${randomBytes(6).toString("hex")}`.repeat(4),
    ]) {
      expect(estimateSecretBits(weak), weak).toBeLessThan(MINIMUM_SECRET_BITS);
      expect(secretWeakness(weak), weak).toMatch(/guessable: about \d+ bits/);
    }
  });
});
