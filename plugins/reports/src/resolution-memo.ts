/**
 * Remembers what a report request's period resolved to (the dates, the company's code
 * and name, whether its months are closed, the TTL) per company and period input, for
 * as long as the company's period facts are cached, so a cached report does not
 * re-parse dates and re-read the facts on every request. Nothing in an entry depends
 * on the caller: the grant check and the caller's scope stay per request.
 */

/** Which months decide whether the answer is closed: the period's, or the dashboard's 12-month series. */
export type PeriodSpan = "period" | "series";

export interface ResolutionInput {
  company: number;
  period?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
}

/** One remembered resolution; a caller may hold it and ask `isLive` instead of looking it up again. */
export interface Remembered<T> {
  input: ResolutionInput;
  span: PeriodSpan;
  value: T;
  /** The UTC day the as-of date was computed on: a new day is a new as-of date. */
  today: string;
  /** ms since epoch; the entry is used while `now <= expiresAt`, like the kernel cache's entries. */
  expiresAt: number;
  /** The memo's generation when stored: `clear` starts a new one, so a held entry dies with it. */
  generation: number;
}

type Entry<T> = Remembered<T>;

export const DEFAULT_MAX_RESOLUTIONS = 1000;

export class ResolutionMemo<T> {
  readonly #entries = new Map<string, Entry<T>>();
  readonly #maxEntries: number;
  #generation = 0;

  constructor(maxEntries = DEFAULT_MAX_RESOLUTIONS) {
    this.#maxEntries = maxEntries;
  }

  get size(): number {
    return this.#entries.size;
  }

  /** The remembered value for exactly this input, span and day, if it has not expired. */
  get(input: ResolutionInput, span: PeriodSpan, today: string, now: number): T | undefined {
    return this.entry(input, span, today, now)?.value;
  }

  /** Like `get`, the entry itself: what `isLive` checks later without building its key. */
  entry(
    input: ResolutionInput,
    span: PeriodSpan,
    today: string,
    now: number,
  ): Remembered<T> | undefined {
    const key = keyOf(input, span);
    const entry = this.#entries.get(key);
    if (entry === undefined) return undefined;
    if (now > entry.expiresAt || entry.today !== today) {
      this.#entries.delete(key);
      return undefined;
    }
    // The key is a plain join: compare the inputs themselves, so no two inputs can share an entry.
    const held = entry.input;
    if (
      entry.span !== span ||
      held.company !== input.company ||
      held.period !== input.period ||
      held.from !== input.from ||
      held.to !== input.to
    ) {
      return undefined;
    }
    return entry;
  }

  /**
   * Whether an entry this memo handed out would still be answered: not expired, computed
   * today, and not cleared since (an entry pushed out by newer ones stays true until then).
   */
  isLive(entry: Remembered<T>, today: string, now: number): boolean {
    return entry.generation === this.#generation && now <= entry.expiresAt && entry.today === today;
  }

  set(input: ResolutionInput, span: PeriodSpan, value: T, today: string, expiresAt: number): void {
    const key = keyOf(input, span);
    this.#entries.delete(key); // re-inserted last: the oldest entry is always first
    if (this.#entries.size >= this.#maxEntries) {
      const oldest = this.#entries.keys().next();
      if (!oldest.done) this.#entries.delete(oldest.value);
    }
    const { company, period, from, to } = input;
    const generation = this.#generation;
    this.#entries.set(key, {
      input: { company, period, from, to },
      span,
      value,
      today,
      expiresAt,
      generation,
    });
  }

  clear(): void {
    this.#entries.clear();
    this.#generation += 1;
  }
}

function keyOf(input: ResolutionInput, span: PeriodSpan): string {
  return `${span}|${input.company}|${input.period}|${input.from}|${input.to}`;
}
