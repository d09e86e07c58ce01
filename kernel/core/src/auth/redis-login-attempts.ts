/**
 * The sign-in limiter's counters on Redis, so every kernel counts against one limit
 * (ADR 0029); and the store the kernel uses with REDIS_URL, which falls back to this
 * process's memory while Redis is away (a warning once per outage), since refusing
 * every sign-in would be worse than a limit counted per kernel for a while.
 *
 * Each method is one script, run atomically by Redis. Windows and back-offs are timed by
 * Redis' own clock (PEXPIRE, TIME), not by each kernel's: kernels on machines whose
 * clocks differ still agree on when a window ends.
 */
import type { Redis } from "ioredis";
import {
  type BackoffRule,
  type LoginAttemptStore,
  MemoryLoginAttemptStore,
} from "../http/rate-limit-store.js";
import type { RedisConnection, RedisLogger } from "../redis/redis-connection.js";
import { type RedisScript, redisScript } from "../redis/scripts.js";

/** INCR, and the window's expiry set by the attempt that opened it. Returns [count, ms left]. */
const COUNT_IN_WINDOW = `
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
local left = redis.call('PTTL', KEYS[1])
if left < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  left = tonumber(ARGV[1])
end
return {count, left}`;

/**
 * A hash {count, at}: `at` is when the last attempt was counted (Redis' clock). Refused
 * without counting while the back-off since `at` runs; returns the ms to wait (0: counted).
 * The delay is backoffDelayMs (rate-limit-store.ts) written in Lua.
 */
const COUNT_WITH_BACKOFF = `
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local count = tonumber(redis.call('HGET', KEYS[1], 'count') or '0')
local free, base, cap, forget = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), ARGV[4]
if count > 0 then
  local delay = 0
  if count >= free then delay = math.min(cap, base * 2 ^ math.min(30, count - free)) end
  local ready = tonumber(redis.call('HGET', KEYS[1], 'at') or '0') + delay
  if now < ready then return ready - now end
end
redis.call('HSET', KEYS[1], 'count', count + 1, 'at', now)
redis.call('PEXPIRE', KEYS[1], forget)
return 0`;

/** One attempt taken back from either kind of counter; the key goes at zero. */
const UNCOUNT = `
local kind = redis.call('TYPE', KEYS[1])['ok']
local left
if kind == 'string' then left = redis.call('DECR', KEYS[1])
elseif kind == 'hash' then left = redis.call('HINCRBY', KEYS[1], 'count', -1)
else return 0 end
if left <= 0 then redis.call('DEL', KEYS[1]) end
return left`;

export class RedisLoginAttemptStore implements LoginAttemptStore {
  private readonly countInWindowScript: RedisScript;
  private readonly countWithBackoffScript: RedisScript;
  private readonly uncountScript: RedisScript;

  constructor(
    private readonly client: Redis,
    /** `<REDIS_KEY_PREFIX>`; counters live under `<prefix>login:…`. */
    private readonly keyPrefix: string,
  ) {
    this.countInWindowScript = redisScript(client, "roa2webLoginCount", 1, COUNT_IN_WINDOW);
    this.countWithBackoffScript = redisScript(client, "roa2webLoginBackoff", 1, COUNT_WITH_BACKOFF);
    this.uncountScript = redisScript(client, "roa2webLoginUncount", 1, UNCOUNT);
  }

  async countInWindow(key: string, nowMs: number, windowMs: number) {
    const [count, leftMs] = (await this.countInWindowScript(this.keyPrefix + key, windowMs)) as [
      number,
      number,
    ];
    return { count: Number(count), resetAtMs: nowMs + Number(leftMs) };
  }

  async countWithBackoff(key: string, _nowMs: number, rule: BackoffRule) {
    const waitMs = await this.countWithBackoffScript(
      this.keyPrefix + key,
      rule.freeAttempts,
      rule.baseDelayMs,
      rule.maxDelayMs,
      rule.forgetMs,
    );
    return { waitMs: Math.max(0, Math.ceil(Number(waitMs))) };
  }

  async uncount(key: string) {
    await this.uncountScript(this.keyPrefix + key);
  }

  async forget(key: string) {
    await this.client.del(this.keyPrefix + key);
  }
}

/**
 * Redis while it answers; this process's memory while it does not. Counts taken in
 * memory during an outage stay there (they are not copied to Redis when it is back):
 * for that while the limit is per kernel, which the warning says.
 */
export class FailoverLoginAttemptStore implements LoginAttemptStore {
  readonly #redis: RedisLoginAttemptStore;
  readonly #memory = new MemoryLoginAttemptStore();
  #warned = false;

  constructor(
    private readonly connection: RedisConnection,
    private readonly logger: RedisLogger,
  ) {
    this.#redis = new RedisLoginAttemptStore(connection.client, connection.keyPrefix);
    connection.on("back", () => {
      this.#warned = false;
    });
  }

  countInWindow(key: string, nowMs: number, windowMs: number) {
    return this.#either((store) => store.countInWindow(key, nowMs, windowMs));
  }

  countWithBackoff(key: string, nowMs: number, rule: BackoffRule) {
    return this.#either((store) => store.countWithBackoff(key, nowMs, rule));
  }

  uncount(key: string) {
    return this.#either((store) => store.uncount(key));
  }

  forget(key: string) {
    return this.#either((store) => store.forget(key));
  }

  async #either<T>(step: (store: LoginAttemptStore) => Promise<T>): Promise<T> {
    if (this.connection.up) {
      try {
        return await step(this.#redis);
      } catch (error) {
        this.#warn(error);
      }
    } else {
      this.#warn(undefined);
    }
    return step(this.#memory);
  }

  #warn(error: unknown): void {
    if (this.#warned) return;
    this.#warned = true;
    this.logger.warn(
      { err: error, redis: this.connection.location },
      "Sign-in limits counted in this kernel's memory while Redis does not answer: each kernel allows its own failures until it is back",
    );
  }
}
