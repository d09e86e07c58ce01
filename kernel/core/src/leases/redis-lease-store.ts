/**
 * Leases on Redis (ADR 0029): a lease is one key that expires by itself (`PX`), taken
 * only when absent (`NX`), renewed and released only by its holder (a script compares
 * the holder and acts in one step). Redis' clock alone decides when a lease lapses, so
 * kernels on machines whose clocks differ never disagree on it: what the store returns
 * is translated to this process's clock (`now + PTTL`), which is all KernelLeases
 * compares with.
 */
import type { Redis } from "ioredis";
import { type RedisScript, redisScript } from "../redis/scripts.js";
import type { LeaseRecord, LeaseStore } from "./lease-store.js";

/**
 * The key holds `<since ms, Redis clock>|<holder>`. Taken when absent (SET NX PX);
 * renewed (PEXPIRE) when the holder is the caller. Returns the value and its PTTL as
 * they stand afterwards, and Redis' time.
 */
const ACQUIRE = `
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local value = redis.call('GET', KEYS[1])
if not value then
  value = now .. '|' .. ARGV[1]
  redis.call('SET', KEYS[1], value, 'NX', 'PX', ARGV[2])
  redis.call('SADD', KEYS[2], ARGV[3])
elseif string.sub(value, string.find(value, '|', 1, true) + 1) == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return {value, redis.call('PTTL', KEYS[1]), now}`;

/** Deletes the key only if the caller holds it. */
const RELEASE = `
local value = redis.call('GET', KEYS[1])
if value and string.sub(value, string.find(value, '|', 1, true) + 1) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0`;

/** Every lease named in the set, with its value and PTTL; names whose key is gone leave the set. */
const LIST = `
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local out = {}
for _, name in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  local value = redis.call('GET', ARGV[1] .. name)
  if value then
    out[#out + 1] = {name, value, redis.call('PTTL', ARGV[1] .. name)}
  else
    redis.call('SREM', KEYS[1], name)
  end
end
return {now, out}`;

export class RedisLeaseStore implements LeaseStore {
  private readonly leasePrefix: string;
  private readonly namesKey: string;
  private readonly acquireScript: RedisScript;
  private readonly releaseScript: RedisScript;
  private readonly listScript: RedisScript;

  constructor(client: Redis, keyPrefix: string) {
    this.leasePrefix = `${keyPrefix}lease:`;
    this.namesKey = `${keyPrefix}lease-names`;
    this.acquireScript = redisScript(client, "roa2webLeaseAcquire", 2, ACQUIRE);
    this.releaseScript = redisScript(client, "roa2webLeaseRelease", 1, RELEASE);
    this.listScript = redisScript(client, "roa2webLeaseList", 1, LIST);
  }

  async acquire(name: string, holder: string, ttlMs: number, now: number): Promise<LeaseRecord> {
    const [value, pttl, redisNow] = (await this.acquireScript(
      this.leasePrefix + name,
      this.namesKey,
      holder,
      Math.max(1, Math.ceil(ttlMs)),
      name,
    )) as [string, number, number];
    return toRecord(name, value, Number(pttl), Number(redisNow), now);
  }

  async release(name: string, holder: string): Promise<void> {
    await this.releaseScript(this.leasePrefix + name, holder);
  }

  async list(): Promise<LeaseRecord[]> {
    const now = Date.now();
    const [redisNow, rows] = (await this.listScript(this.namesKey, this.leasePrefix)) as [
      number,
      Array<[string, string, number]>,
    ];
    return rows
      .map(([name, value, pttl]) => toRecord(name, value, Number(pttl), Number(redisNow), now))
      .sort((left, right) => left.name.localeCompare(right.name));
  }
}

/** Redis' times become this process's: the lease lapses `pttl` ms from now, whatever the clocks say. */
function toRecord(
  name: string,
  value: string,
  pttl: number,
  redisNow: number,
  now: number,
): LeaseRecord {
  const bar = value.indexOf("|");
  const since = Number(value.slice(0, bar));
  return {
    name,
    holder: value.slice(bar + 1),
    acquiredAtMs: now - Math.max(0, redisNow - since),
    // PTTL is -2 for a key that just lapsed: the lease is free now.
    expiresAtMs: now + Math.max(0, pttl),
  };
}
