// The sign-in limiter of two kernels on one real Redis: failures on either count against
// one limit; with Redis gone each kernel limits on its own instead of failing sign-ins.
import { TooManyRequestsError } from "@roa2web/plugin-sdk";
import { describeWithServers, type RedisServer, startRedis } from "@roa2web/test-servers";
import { afterAll, afterEach, beforeAll, expect, it } from "vitest";
import { RedisConnection } from "../redis/redis-connection.js";
import { LoginThrottle } from "./login-throttle.js";
import { FailoverLoginAttemptStore } from "./redis-login-attempts.js";

const quiet = { warn: () => undefined, info: () => undefined };
const SETTINGS = {
  address: { max: 3, windowMs: 60_000 },
  account: { freeAttempts: 4, baseDelayMs: 60_000, maxDelayMs: 60_000, forgetMs: 3_600_000 },
};

async function until(check: () => boolean, what: string, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** A failed sign-in: begun and never taken back. Resolves to "429" when refused. */
async function fail(throttle: LoginThrottle, address: string, user: string): Promise<string> {
  try {
    await throttle.begin(address, user);
    return "counted";
  } catch (error) {
    if (error instanceof TooManyRequestsError) return "429";
    throw error;
  }
}

describeWithServers(["redis"], "sign-in limits on Redis, shared by two kernels", () => {
  let redis: RedisServer;
  const connections: RedisConnection[] = [];
  let run = 0;

  beforeAll(async () => {
    redis = await startRedis();
  }, 30_000);
  afterAll(async () => {
    await redis?.stop();
  });
  afterEach(async () => {
    await Promise.all(connections.splice(0).map((connection) => connection.close()));
  });

  async function twoKernels(): Promise<[LoginThrottle, LoginThrottle, RedisConnection]> {
    run += 1;
    const keyPrefix = `limits${run}-${Date.now()}:`;
    const throttle = async () => {
      const connection = new RedisConnection({ url: redis.url, keyPrefix, logger: quiet });
      await connection.open();
      connections.push(connection);
      return {
        throttle: new LoginThrottle(new FailoverLoginAttemptStore(connection, quiet), SETTINGS),
        connection,
      };
    };
    const a = await throttle();
    const b = await throttle();
    return [a.throttle, b.throttle, a.connection];
  }

  it("counts one address's failures on both kernels against one limit", async () => {
    const [a, b] = await twoKernels();
    expect(await fail(a, "10.0.0.7", "ana")).toBe("counted");
    expect(await fail(b, "10.0.0.7", "bogdan")).toBe("counted");
    expect(await fail(a, "10.0.0.7", "carmen")).toBe("counted");
    // The fourth failure from that address is refused on either kernel.
    expect(await fail(b, "10.0.0.7", "dan")).toBe("429");
    expect(await fail(a, "10.0.0.7", "dan")).toBe("429");
    // Another address is not affected.
    expect(await fail(b, "10.0.0.8", "dan")).toBe("counted");
  });

  it("spaces an account's failures across kernels, and a right password on one clears it on the other", async () => {
    const [a, b] = await twoKernels();
    for (const [index, kernel] of [a, b, a, b].entries()) {
      expect(await fail(kernel, `10.1.0.${index}`, "Ana")).toBe("counted");
    }
    // Four free failures made on two kernels: the next, from anywhere and either kernel, waits.
    expect(await fail(a, "10.1.0.9", "ana")).toBe("429");
    expect(await fail(b, "10.1.0.10", " ANA ")).toBe("429");

    const [c, d] = await twoKernels();
    for (const kernel of [c, d, c]) await fail(kernel, "10.2.0.1", "maria");
    const attempt = await d.begin("10.2.0.2", "maria");
    await attempt.succeeded();
    // The account starts afresh on every kernel; the address keeps its count minus this one.
    for (const kernel of [c, d, c, d]) {
      expect(await fail(kernel, `10.2.1.${Math.random()}`, "maria")).toBe("counted");
    }
  });

  it("an attempt taken back (the ERP was down) is not a failure on any kernel", async () => {
    const [a, b] = await twoKernels();
    for (let i = 0; i < 5; i += 1) {
      const attempt = await (i % 2 === 0 ? a : b).begin("10.3.0.1", "ion");
      await attempt.abandoned();
    }
    expect(await fail(a, "10.3.0.1", "ion")).toBe("counted");
  });

  it("keeps limiting per kernel while Redis is down, and shares the limit again when it is back", async () => {
    const [a, b, connection] = await twoKernels();
    await redis.kill();
    await until(() => !connection.up, "the connection to drop");
    // No sign-in fails because Redis is gone: each kernel counts in its own memory.
    for (let i = 0; i < 3; i += 1) expect(await fail(a, "10.4.0.1", `u${i}`)).toBe("counted");
    expect(await fail(a, "10.4.0.1", "u9")).toBe("429");
    expect(await fail(b, "10.4.0.1", "u9")).toBe("counted");

    await redis.restart();
    await until(() => connection.up, "the connection to come back", 15_000);
    const [c, d] = await twoKernels();
    for (const kernel of [c, d, c]) expect(await fail(kernel, "10.4.0.2", "x")).toBe("counted");
    expect(await fail(d, "10.4.0.2", "x")).toBe("429");
  }, 60_000);
});
