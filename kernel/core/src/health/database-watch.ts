/**
 * Knows whether the kernel database answers, so that a kernel on PostgreSQL that
 * lost its server refuses writes at once (503, `write-gate.ts`) instead of letting each
 * one fail inside its query with a 500, and keeps serving what needs no database. Two
 * things say the database is lost: a probe that fails (the peer heartbeat every few
 * seconds, and `/health`), and a request whose query failed with a connection error
 * (`connection-errors.ts`). While lost it probes every `retryMs` and is back as soon as
 * one probe answers. It logs once when the database is lost and once when it is back.
 */
import type { HealthStatus } from "@roa2web/plugin-sdk";
import { isConnectionLost } from "./connection-errors.js";

export interface DatabaseWatchLogger {
  info(object: object, message: string): void;
  warn(object: object, message: string): void;
}

export interface DatabaseWatchOptions {
  engine: "sqlite" | "postgres";
  /** A committed write to the database (the peer heartbeat); throws when it fails. */
  probe: () => Promise<void>;
  logger: DatabaseWatchLogger;
  /** How often a lost database is tried again (default 1 s). */
  retryMs?: number;
  /** A probe that has not answered after this is a failure (default 3 s). */
  probeTimeoutMs?: number;
}

function describe(error: unknown): string {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  const text = typeof message === "string" ? message : String(error);
  return typeof code === "string" && !text.includes(code) ? `${code}: ${text}` : text;
}

export class DatabaseWatch {
  readonly engine: "sqlite" | "postgres";
  #lostSince: number | undefined;
  #lastError: string | undefined;
  #latencyMs: number | undefined;
  #checkedAt: number | undefined;
  #retry: NodeJS.Timeout | undefined;
  #interval: NodeJS.Timeout | undefined;
  #checking: Promise<boolean> | undefined;
  #stopped = false;

  constructor(private readonly options: DatabaseWatchOptions) {
    this.engine = options.engine;
  }

  /**
   * True while a PostgreSQL database is lost: writes are refused. Never on SQLite,
   * where a failing write is the disk's problem and `/health` says so (`down`).
   */
  get lost(): boolean {
    return this.#lostSince !== undefined;
  }

  /** Milliseconds the last successful probe took. */
  get latencyMs(): number | undefined {
    return this.#latencyMs;
  }

  /**
   * Probes now (once at a time: callers during a probe share it). True when the
   * database answered. A failure with a connection error marks it lost.
   */
  check(): Promise<boolean> {
    this.#checking ??= this.#probe().finally(() => {
      this.#checking = undefined;
    });
    return this.#checking;
  }

  /**
   * A request failed with `error`: when it says the server is unreachable, the database
   * is lost from now on (and probed until it answers). True when it was such an error.
   */
  failed(error: unknown): boolean {
    if (this.engine !== "postgres" || !isConnectionLost(error)) return false;
    this.#markLost(error);
    return true;
  }

  /** What `/health` shows: `down` while lost, with the engine, latency and since when. */
  async health(): Promise<HealthStatus> {
    const reachable = await this.check();
    const data = {
      engine: this.engine,
      reachable,
      latency_ms: reachable ? (this.#latencyMs ?? null) : null,
      writes: this.lost ? "refused" : "accepted",
      lost_since: this.#lostSince === undefined ? null : new Date(this.#lostSince).toISOString(),
    };
    if (reachable) return { status: "up", data };
    return { status: "down", detail: this.#lastError ?? "the database does not answer", data };
  }

  /** Probes every `intervalMs` (0: only when asked, by `/health` and by failures). */
  start(intervalMs: number): void {
    if (this.#interval || intervalMs <= 0 || this.#stopped) return;
    this.#interval = setInterval(() => {
      // While lost, the retries (every `retryMs`) probe already.
      if (!this.lost) void this.check();
    }, intervalMs);
    this.#interval.unref();
  }

  stop(): void {
    this.#stopped = true;
    clearInterval(this.#interval);
    this.#interval = undefined;
    clearTimeout(this.#retry);
    this.#retry = undefined;
  }

  async #probe(): Promise<boolean> {
    const started = performance.now();
    const timeoutMs = this.options.probeTimeoutMs ?? 3000;
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        this.options.probe(),
        new Promise<never>((_resolve, reject) => {
          timer = setTimeout(
            () =>
              reject(
                Object.assign(new Error(`no answer within ${timeoutMs} ms`), {
                  code: "ETIMEDOUT",
                }),
              ),
            timeoutMs,
          );
        }),
      ]);
    } catch (error) {
      this.#lastError = describe(error);
      // On SQLite (or an error that is not about the connection: a full disk, a
      // read-only standby) the check says down, and writes are left to fail on their own.
      if (this.engine === "postgres" && isConnectionLost(error)) this.#markLost(error);
      return false;
    } finally {
      clearTimeout(timer);
    }
    this.#latencyMs = Math.round((performance.now() - started) * 10) / 10;
    this.#checkedAt = Date.now();
    this.#lastError = undefined;
    this.#markBack();
    return true;
  }

  #markLost(error: unknown): void {
    this.#lastError = describe(error);
    if (this.#lostSince !== undefined) return;
    this.#lostSince = Date.now();
    this.options.logger.warn(
      { err: error, engine: this.engine },
      "Lost the database: writes answer 503 until it is back; cached reads carry on",
    );
    this.#scheduleRetry();
  }

  #markBack(): void {
    const since = this.#lostSince;
    if (since === undefined) return;
    this.#lostSince = undefined;
    clearTimeout(this.#retry);
    this.#retry = undefined;
    this.options.logger.info(
      { engine: this.engine, downMs: Date.now() - since },
      "The database is back: writes are accepted again",
    );
  }

  #scheduleRetry(): void {
    if (this.#stopped || this.#retry !== undefined) return;
    this.#retry = setTimeout(() => {
      this.#retry = undefined;
      void this.check().then((answered) => {
        if (!answered && this.lost) this.#scheduleRetry();
      });
    }, this.options.retryMs ?? 1000);
    this.#retry.unref();
  }

  /** When the database last answered a probe (ms since the epoch). */
  get checkedAt(): number | undefined {
    return this.#checkedAt;
  }
}
