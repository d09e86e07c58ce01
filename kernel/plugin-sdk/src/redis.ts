/**
 * The kernel's Redis (`REDIS_URL`, ADR 0029) as a plugin may use it: where it is, so a
 * library that opens connections of its own (a job queue: BullMQ, ADR 0032) can, and the
 * prefix that keeps the plugin's keys apart from the kernel's and other plugins'.
 */

/** Where the kernel's Redis is. */
export interface RedisConnectionInfo {
  /** `redis://…` or `rediss://…` as configured (it may hold a password: never log it). */
  readonly url: string;
  /** Put in front of every key: the kernel's prefix and the plugin's name (`roa2web:data-entry:`). */
  readonly keyPrefix: string;
}

/** `coreServices.redis`, scoped to the plugin. */
export interface RedisService {
  /** Null when the kernel runs without Redis (the embedded default): keep your state in-process. */
  readonly connection: RedisConnectionInfo | null;
}
