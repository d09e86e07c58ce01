// Seeded pseudo-random numbers: the demo ERP must come out identical for the same seed, so
// nothing in the generator may touch Math.random.

/** Mixes any number of labels into one 32-bit seed (FNV-1a then a murmur finaliser). */
export function mixSeed(...parts: ReadonlyArray<string | number>): number {
  let h = 0x811c9dc5;
  for (const part of parts) {
    const text = `${String(part)}\u0000`;
    for (let i = 0; i < text.length; i++) {
      h ^= text.charCodeAt(i);
      h = Math.imul(h, 0x01000193);
    }
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** sfc32: small, fast and good enough for test data; state is four 32-bit words. */
export class Random {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number) {
    // splitmix32 spreads a small seed over the whole state, so seeds 1 and 2 diverge at once.
    let s = seed >>> 0;
    const split = (): number => {
      s = (s + 0x9e3779b9) >>> 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.a = split();
    this.b = split();
    this.c = split();
    this.d = split();
    for (let i = 0; i < 12; i++) this.uint32();
  }

  /** An independent stream for one part of the data (a company, a table). */
  static derive(seed: number, ...labels: ReadonlyArray<string | number>): Random {
    return new Random(mixSeed(seed, ...labels));
  }

  uint32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.uint32() / 4294967296;
  }

  /** Uniform integer in [min, max], both ends included. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(probability: number): boolean {
    return this.next() < probability;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError("pick() from an empty list");
    return items[Math.floor(this.next() * items.length)] as T;
  }

  /** Picks by relative weight; for repeated picks from a long list use WeightedTable. */
  weighted<T>(items: ReadonlyArray<readonly [T, number]>): T {
    let total = 0;
    for (const [, weight] of items) total += weight;
    let roll = this.next() * total;
    for (const [item, weight] of items) {
      roll -= weight;
      if (roll < 0) return item;
    }
    const last = items[items.length - 1];
    if (last === undefined) throw new RangeError("weighted() from an empty list");
    return last[0];
  }

  /** An amount in lei with 2 decimals, uniform in [min, max]. */
  amount(min: number, max: number): number {
    return this.cents(min, max) / 100;
  }

  /**
   * An amount in whole bani (1/100 leu) between min and max lei. skew > 1 makes small amounts
   * more frequent than large ones, as with real invoices. Working in integers keeps every sum
   * exact; the REAL written to SQLite is cents / 100, which equals Math.round(x * 100) / 100.
   */
  cents(minLei: number, maxLei: number, skew = 1): number {
    const u = skew === 1 ? this.next() : this.next() ** skew;
    return Math.round(minLei * 100 + (maxLei - minLei) * 100 * u);
  }
}

/** Weighted picks in O(log n), for choosing among thousands of partners many times. */
export class WeightedTable<T> {
  private readonly items: readonly T[];
  private readonly cumulative: number[];

  constructor(entries: ReadonlyArray<readonly [T, number]>) {
    if (entries.length === 0) throw new RangeError("WeightedTable needs at least one entry");
    this.items = entries.map(([item]) => item);
    this.cumulative = [];
    let total = 0;
    for (const [, weight] of entries) {
      total += weight;
      this.cumulative.push(total);
    }
  }

  pick(rng: Random): T {
    const total = this.cumulative[this.cumulative.length - 1] as number;
    const roll = rng.next() * total;
    let lo = 0;
    let hi = this.cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.cumulative[mid] as number) > roll) hi = mid;
      else lo = mid + 1;
    }
    return this.items[lo] as T;
  }
}
