/**
 * The L2 cache on Redis (ADR 0029): keyv's store interface on the kernel's ioredis
 * client, plus the operations keyv has no API for (delete by prefix, count, sweep).
 *
 * Prefix deletes use an index, not KEYS or SCAN: every key is also a member of one
 * sorted set with score 0, which Redis orders by bytes, so the keys that start with a
 * prefix are one ZRANGEBYLEX range — O(log N + M) and atomic in a script, where SCAN
 * walks every key of the server (the limiter's and the leases' too) and can miss a key
 * written during the walk. A second sorted set scored by expiry lets the sweeper drop
 * index members whose key Redis has already expired.
 *
 * Not @keyv/redis: it brings a second Redis client (node-redis) beside the ioredis the
 * kernel uses for pub/sub, the limiter and leases (and @fastify/rate-limit and BullMQ
 * take ioredis), and its prefix delete is a SCAN.
 */
import { EventEmitter } from "node:events";
import type { Redis } from "ioredis";
import type { KeyvStoreAdapter } from "keyv";
import { type RedisScript, redisScript } from "../redis/scripts.js";

/** UTF-8 never contains the byte 0xFF: `(prefix + 0xFF` bounds every key that starts with `prefix`. */
const AFTER_PREFIX = Buffer.from([0xff]);

const SET_SCRIPT = `
redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
redis.call('ZADD', KEYS[2], 0, ARGV[1])
redis.call('ZADD', KEYS[3], ARGV[4], ARGV[1])
return 1`;

/** Deletes the keys, and their index members; returns how many keys existed. */
const DELETE_SCRIPT = `
local removed = 0
for i = 1, #ARGV do
  removed = removed + redis.call('DEL', KEYS[3] .. ARGV[i])
  redis.call('ZREM', KEYS[1], ARGV[i])
  redis.call('ZREM', KEYS[2], ARGV[i])
end
return removed`;

/** Deletes every key in the index range; returns the keys that still existed (were live). */
const DELETE_PREFIX_SCRIPT = `
local keys = redis.call('ZRANGEBYLEX', KEYS[1], ARGV[1], ARGV[2])
local live = {}
for _, key in ipairs(keys) do
  if redis.call('DEL', KEYS[3] .. key) == 1 then live[#live + 1] = key end
  redis.call('ZREM', KEYS[1], key)
  redis.call('ZREM', KEYS[2], key)
end
return live`;

const COUNT_PREFIX_SCRIPT = `
local keys = redis.call('ZRANGEBYLEX', KEYS[1], ARGV[1], ARGV[2])
local live = 0
for _, key in ipairs(keys) do
  live = live + redis.call('EXISTS', KEYS[3] .. key)
end
return live`;

/** Drops index members whose key is gone (Redis expired it); returns how many. */
const SWEEP_SCRIPT = `
local keys = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', ARGV[1], 'LIMIT', 0, 10000)
local swept = 0
for _, key in ipairs(keys) do
  if redis.call('EXISTS', KEYS[3] .. key) == 0 then
    redis.call('ZREM', KEYS[1], key)
    redis.call('ZREM', KEYS[2], key)
    swept = swept + 1
  end
end
return swept`;

export class RedisStore extends EventEmitter implements KeyvStoreAdapter {
  readonly opts: { dialect: "redis"; keyPrefix: string };
  namespace?: string | undefined;
  /** `<prefix>cache:<key>` holds a value. */
  private readonly valuePrefix: string;
  /** The sorted set of every key (score 0): the prefix index. */
  private readonly indexKey: string;
  /** The sorted set of every key by expiry (ms): what the sweeper visits. */
  private readonly expiryKey: string;
  private readonly scripts: Record<
    "set" | "delete" | "deletePrefix" | "count" | "sweep",
    RedisScript
  >;

  constructor(
    private readonly client: Redis,
    keyPrefix: string,
    /** Called by `disconnect` (keyv's close); the kernel closes a shared connection itself. */
    private readonly onDisconnect: () => Promise<void> = async () => undefined,
  ) {
    super();
    this.opts = { dialect: "redis", keyPrefix };
    this.valuePrefix = `${keyPrefix}cache:`;
    this.indexKey = `${keyPrefix}cache-index`;
    this.expiryKey = `${keyPrefix}cache-expiries`;
    this.scripts = {
      set: redisScript(client, "roa2webCacheSet", 3, SET_SCRIPT),
      delete: redisScript(client, "roa2webCacheDelete", 3, DELETE_SCRIPT),
      deletePrefix: redisScript(client, "roa2webCacheDeletePrefix", 3, DELETE_PREFIX_SCRIPT),
      count: redisScript(client, "roa2webCacheCountPrefix", 3, COUNT_PREFIX_SCRIPT),
      sweep: redisScript(client, "roa2webCacheSweep", 3, SWEEP_SCRIPT),
    };
  }

  // biome-ignore lint/suspicious/noExplicitAny: keyv's own signature (StoredData<Value>)
  async get<Value>(key: string): Promise<any> {
    const value = await this.client.get(this.valuePrefix + key);
    return (value ?? undefined) as Value | undefined;
  }

  // biome-ignore lint/suspicious/noExplicitAny: keyv's own signature (StoredData<Value>[])
  async getMany<Value>(keys: string[]): Promise<any[]> {
    if (keys.length === 0) return [];
    const values = await this.client.mget(keys.map((key) => this.valuePrefix + key));
    return values.map((value) => (value ?? undefined) as Value | undefined);
  }

  /** keyv hands over the serialised entry and the TTL; Redis expires the key itself (PX). */
  async set(key: string, value: unknown, ttl?: number): Promise<void> {
    // The cache never stores without a TTL; a day bounds anything else that might.
    const ttlMs = ttl !== undefined && ttl > 0 ? Math.ceil(ttl) : 24 * 3600 * 1000;
    await this.scripts.set(
      this.valuePrefix + key,
      this.indexKey,
      this.expiryKey,
      key,
      String(value),
      ttlMs,
      Date.now() + ttlMs,
    );
  }

  async delete(key: string): Promise<boolean> {
    return (await this.deleteKeys([key])) > 0;
  }

  async deleteMany(keys: string[]): Promise<boolean> {
    return (await this.deleteKeys(keys)) > 0;
  }

  async has(key: string): Promise<boolean> {
    return (await this.client.exists(this.valuePrefix + key)) === 1;
  }

  /** Deletes every cached key (the whole index range), nothing else of this Redis. */
  async clear(): Promise<void> {
    await this.deletePrefix("");
  }

  async *iterator(): AsyncGenerator<[string, string], void> {
    let after = "-";
    for (;;) {
      const keys = await this.client.zrangebylex(this.indexKey, after, "+", "LIMIT", 0, 100);
      if (keys.length === 0) return;
      const values = await this.client.mget(keys.map((key) => this.valuePrefix + key));
      for (const [index, key] of keys.entries()) {
        const value = values[index];
        if (value !== null && value !== undefined) yield [key, value];
      }
      after = `(${keys.at(-1)}`;
    }
  }

  /** Deletes the keys that start with `prefix`; returns those that were live. */
  async deletePrefix(prefix: string): Promise<string[]> {
    return (await this.scripts.deletePrefix(
      this.indexKey,
      this.expiryKey,
      this.valuePrefix,
      ...this.range(prefix),
    )) as string[];
  }

  async countPrefix(prefix: string): Promise<number> {
    return Number(
      await this.scripts.count(
        this.indexKey,
        this.expiryKey,
        this.valuePrefix,
        ...this.range(prefix),
      ),
    );
  }

  /** Redis deletes expired values itself; this drops their index members. */
  async sweepIndex(wallNow: number): Promise<number> {
    return Number(
      await this.scripts.sweep(this.indexKey, this.expiryKey, this.valuePrefix, wallNow),
    );
  }

  async disconnect(): Promise<void> {
    await this.onDisconnect();
  }

  private async deleteKeys(keys: string[]): Promise<number> {
    if (keys.length === 0) return 0;
    return Number(
      await this.scripts.delete(this.indexKey, this.expiryKey, this.valuePrefix, ...keys),
    );
  }

  /** ZRANGEBYLEX bounds for "starts with prefix" (as bytes: `[prefix` to `(prefix` + 0xFF). */
  private range(prefix: string): [string | Buffer, Buffer] {
    if (prefix === "") return ["-", Buffer.from("+")];
    return [`[${prefix}`, Buffer.concat([Buffer.from(`(${prefix}`), AFTER_PREFIX])];
  }
}
