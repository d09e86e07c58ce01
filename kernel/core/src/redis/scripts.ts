/**
 * A Lua script as a function on an ioredis client: sent once and then run by its SHA
 * (EVALSHA), sent again by ioredis when Redis answers NOSCRIPT (it restarted empty).
 * EVAL would send and hash the whole script on every call.
 */
import type { Redis } from "ioredis";

export type RedisScript = (...args: Array<string | number | Buffer>) => Promise<unknown>;

export function redisScript(client: Redis, name: string, keys: number, lua: string): RedisScript {
  // Defining it again (another store on the same client) replaces it with the same script.
  client.defineCommand(name, { numberOfKeys: keys, lua });
  const command = (client as unknown as Record<string, RedisScript>)[name];
  if (command === undefined) throw new Error(`ioredis did not define the script ${name}`);
  return command.bind(client);
}
