/**
 * The kernel's connection to Redis (`REDIS_URL`, ADR 0029): one ioredis client for
 * commands and one for pub/sub (a subscribed connection can run nothing else). It knows
 * whether Redis answers, says so once when the connection is lost and once when it is
 * back, and tells the cache, the sign-in limiter and the leases, which each degrade in
 * their own way while it is down. It reconnects by itself, forever.
 */
import { EventEmitter } from "node:events";
import type { HealthStatus } from "@roa2web/plugin-sdk";
import { Redis } from "ioredis";

export interface RedisLogger {
  info(object: object, message?: string): void;
  warn(object: object, message?: string): void;
}

export interface RedisConnectionOptions {
  /** `redis://[user:password@]host:port[/db]` or `rediss://…` (TLS). */
  url: string;
  /** Put in front of every key and channel, so several installations can share one Redis. */
  keyPrefix?: string;
  logger: RedisLogger;
  /** How long startup waits for a first answer before it carries on degraded (default 3 s). */
  connectTimeoutMs?: number;
  /** A command that gets no answer within this fails (default 1 s): a request never hangs on Redis. */
  commandTimeoutMs?: number;
}

/** Thrown at startup for a REDIS_URL that is not a Redis URL (the URL itself is never echoed). */
export class RedisConfigurationError extends Error {
  readonly code = "REDIS_CONFIGURATION";

  constructor(message: string) {
    super(message);
    this.name = "RedisConfigurationError";
  }
}

/** The URL without its user name and password, for logs and /health. */
export function describeRedisUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}${parsed.pathname === "/" ? "" : parsed.pathname}`;
  } catch {
    return "(unparsable URL)";
  }
}

type ConnectionEvents = {
  /** The connection dropped: nothing sent to Redis succeeds until `back`. */
  lost: [];
  /** Both connections answer again (and subscriptions are renewed). */
  back: [];
};

export class RedisConnection extends EventEmitter<ConnectionEvents> {
  /** For commands; fails at once (no offline queue) while Redis is away. */
  readonly client: Redis;
  /** For SUBSCRIBE only; ioredis subscribes again on each reconnect. */
  readonly subscriber: Redis;
  readonly keyPrefix: string;
  /** The URL as configured (it may hold a password: never log it; `location` is for logs). */
  readonly url: string;
  readonly location: string;
  #up = false;
  #everUp = false;
  #lostAt: number | undefined;
  #lastError: string | undefined;
  #closed = false;

  constructor(private readonly options: RedisConnectionOptions) {
    super();
    if (!/^rediss?:\/\//i.test(options.url)) {
      throw new RedisConfigurationError(
        "REDIS_URL must start with redis:// or rediss:// (e.g. redis://127.0.0.1:6379)",
      );
    }
    this.url = options.url;
    this.location = describeRedisUrl(options.url);
    this.keyPrefix = options.keyPrefix ?? "roa2web:";
    const common = {
      lazyConnect: true,
      // Back off to one attempt every 2 s, and never give up: Redis coming back is the
      // normal end of an outage.
      retryStrategy: (attempt: number) => Math.min(100 * attempt, 2000),
      connectTimeout: options.connectTimeoutMs ?? 3000,
    };
    this.client = new Redis(options.url, {
      ...common,
      // A command while Redis is away fails at once instead of waiting in a queue
      // (a sign-in must not hang; the cache answers from L1).
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      commandTimeout: options.commandTimeoutMs ?? 1000,
    });
    // SUBSCRIBE waits for a connection however long it takes (and is renewed on each).
    this.subscriber = new Redis(options.url, {
      ...common,
      autoResubscribe: true,
      maxRetriesPerRequest: null,
    });
    for (const client of [this.client, this.subscriber]) {
      client.on("ready", () => this.#changed());
      client.on("close", () => this.#changed());
      client.on("end", () => this.#changed());
      // Without a listener ioredis prints every failed reconnect; the state change is logged once.
      client.on("error", (error: Error) => {
        this.#lastError = (error as { code?: string }).code ?? error.message;
      });
    }
  }

  /** Whether both connections are open and answering. */
  get up(): boolean {
    return this.#up;
  }

  /** Connects, waiting at most the connect timeout; when Redis does not answer, carries on degraded. */
  async open(): Promise<void> {
    const connecting = Promise.allSettled([this.client.connect(), this.subscriber.connect()]);
    const results = await connecting;
    this.#changed();
    const failure = results.find((result) => result.status === "rejected");
    if (failure) {
      this.options.logger.warn(
        { redis: this.location, error: this.#lastError ?? String(failure.reason) },
        "Redis does not answer at startup: cache on L1 only, sign-in limits per kernel, no leases, until it does",
      );
      this.#lostAt = Date.now();
    } else {
      this.options.logger.info({ redis: this.location }, "Connected to Redis");
    }
  }

  health(): HealthStatus {
    const data = { url: this.location, key_prefix: this.keyPrefix };
    if (this.#up) return { status: "up", data };
    const since = this.#lostAt === undefined ? undefined : new Date(this.#lostAt).toISOString();
    return {
      status: "down",
      detail: `Redis does not answer (${this.#lastError ?? "not connected"}): cache on L1 only, sign-in limits per kernel, leases not held`,
      data: { ...data, ...(since ? { down_since: since } : {}) },
    };
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.removeAllListeners();
    await Promise.allSettled([quit(this.client), quit(this.subscriber)]);
  }

  #changed(): void {
    if (this.#closed) return;
    const up = this.client.status === "ready" && this.subscriber.status === "ready";
    if (up === this.#up) return;
    this.#up = up;
    if (up) {
      const wasDown = this.#everUp || this.#lostAt !== undefined;
      this.#everUp = true;
      if (wasDown && this.#lostAt !== undefined) {
        this.options.logger.info(
          { redis: this.location, downMs: Date.now() - this.#lostAt },
          "Redis is back: shared cache, sign-in limits and leases resume",
        );
      }
      this.#lostAt = undefined;
      if (wasDown) this.emit("back");
    } else {
      this.#lostAt = Date.now();
      this.options.logger.warn(
        { redis: this.location, error: this.#lastError },
        "Lost Redis: cache on L1 only, sign-in limits per kernel, leases given up; reconnecting",
      );
      this.emit("lost");
    }
  }
}

async function quit(client: Redis): Promise<void> {
  if (client.status === "ready") {
    await client.quit().catch(() => client.disconnect());
  } else {
    client.disconnect();
  }
}
