// The building blocks of the demo ERP: seeded randomness, Romanian tax ids and IBANs.
import { describe, expect, it } from "vitest";
import { cuiCheckDigit, mod97, romanianIban, TaxIds } from "./identity.js";
import { mixSeed, Random, WeightedTable } from "./random.js";

describe("Random", () => {
  it("repeats the same sequence for the same seed and differs for another", () => {
    const sequence = (seed: number): number[] => {
      const rng = new Random(seed);
      return Array.from({ length: 20 }, () => rng.uint32());
    };
    expect(sequence(42)).toEqual(sequence(42));
    expect(sequence(42)).not.toEqual(sequence(43));
    expect(mixSeed(1, "a")).not.toBe(mixSeed(1, "b"));
  });

  it("keeps helpers within their ranges", () => {
    const rng = new Random(1);
    for (let i = 0; i < 2_000; i++) {
      const n = rng.int(3, 7);
      expect(n >= 3 && n <= 7 && Number.isInteger(n)).toBe(true);
      const amount = rng.amount(10, 20);
      expect(amount).toBeGreaterThanOrEqual(10);
      expect(amount).toBeLessThanOrEqual(20);
      expect(Math.round(amount * 100) / 100).toBe(amount);
      const x = rng.next();
      expect(x >= 0 && x < 1).toBe(true);
    }
  });

  it("picks by weight", () => {
    const rng = new Random(5);
    const table = new WeightedTable([
      ["rare", 1],
      ["common", 9],
    ] as const);
    let common = 0;
    for (let i = 0; i < 10_000; i++) if (table.pick(rng) === "common") common++;
    expect(common / 10_000).toBeGreaterThan(0.87);
    expect(common / 10_000).toBeLessThan(0.93);
    expect(rng.weighted([["only", 1]] as const)).toBe("only");
  });
});

describe("Romanian identifiers", () => {
  it("computes the CUI check digit with the 753217532 key", () => {
    // 1234567 padded to 001234567: 0*7+0*5+1*3+2*2+3*1+4*7+5*5+6*3+7*2 = 95; 950 % 11 = 4.
    expect(cuiCheckDigit("1234567")).toBe(4);
    const taxIds = new TaxIds(new Random(9));
    const seen = new Set<string>();
    for (let i = 0; i < 500; i++) {
      const taxId = taxIds.next();
      expect(taxId).toMatch(/^RO\d{7,9}$/);
      const digits = taxId.slice(2);
      expect(Number(digits.at(-1))).toBe(cuiCheckDigit(digits.slice(0, -1)));
      seen.add(taxId);
    }
    expect(seen.size).toBe(500);
  });

  it("builds IBANs that pass the ISO 13616 mod-97 check", () => {
    const rng = new Random(3);
    for (let i = 0; i < 50; i++) {
      const iban = romanianIban(rng, "BTRL");
      expect(iban).toMatch(/^RO\d{2}BTRL\d{16}$/);
      expect(mod97(`${iban.slice(4)}${iban.slice(0, 4)}`)).toBe(1);
    }
  });
});
