// Two kernels on one real Redis (REDIS_URL, ADR 0029), through HTTP: a report cached on A
// and invalidated through B is computed again on A; failed sign-ins on A and B count
// against one limit; with Redis killed both keep answering cached reports from L1 and
// /health says `redis: down` (200, degraded); once it is back, invalidations flow again.
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describeWithServers, type RedisServer, startRedis } from "@roa2web/test-servers";
import { afterAll, afterEach, beforeAll, expect, it } from "vitest";
import { startTestKernel, type TestKernel } from "../src/testing/index.js";

const REPORTS = path.resolve(fileURLToPath(new URL("../../../plugins/reports", import.meta.url)));

async function until(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describeWithServers(["redis"], "two kernels on one Redis", () => {
  let redis: RedisServer;
  const kernels: TestKernel[] = [];
  let run = 0;

  beforeAll(async () => {
    redis = await startRedis();
  }, 30_000);
  afterAll(async () => {
    await redis?.stop();
  });
  afterEach(async () => {
    await Promise.all(kernels.splice(0).map((kernel) => kernel.close()));
  });

  async function twoKernels(env: Record<string, string> = {}): Promise<[TestKernel, TestKernel]> {
    run += 1;
    const shared = {
      REDIS_URL: redis.url,
      REDIS_KEY_PREFIX: `kernels${run}-${Date.now()}:`,
      ...env,
    };
    const [a, b] = await Promise.all([
      startTestKernel({ plugins: [REPORTS], env: shared }),
      startTestKernel({ plugins: [REPORTS], env: shared }),
    ]);
    kernels.push(a, b);
    return [a, b];
  }

  const REPORT = "/api/reports/treasury?company=2&period=2025-01";

  async function report(kernel: TestKernel, token: string): Promise<string | undefined> {
    const response = await kernel.inject({ method: "GET", url: REPORT, token });
    expect(response.statusCode, response.body).toBe(200);
    return response.headers["x-cache"] as string | undefined;
  }

  /** Waits for the kernel's L2 writes (made after the response) to reach Redis. */
  async function written(kernel: TestKernel): Promise<void> {
    await kernel.kernel.container.cradle.cache.stats();
  }

  /** Asks until the kernel stops answering from L1; how it answers then. */
  async function afterL1(kernel: TestKernel, token: string): Promise<string | undefined> {
    let source: string | undefined;
    await until(async () => {
      source = await report(kernel, token);
      return source !== "HIT-L1";
    }, "L1 to drop it");
    return source;
  }

  async function redisCheck(
    kernel: TestKernel,
  ): Promise<{ status: number; redis?: string; overall: string }> {
    const response = await kernel.inject({ method: "GET", url: "/health" });
    const body = response.json() as {
      status: string;
      checks: Array<{ name: string; status: string }>;
    };
    return {
      status: response.statusCode,
      overall: body.status,
      redis: body.checks.find((check) => check.name === "redis")?.status,
    };
  }

  it("drops on A a report invalidated through B, and shares the L2 between them", async () => {
    const [a, b] = await twoKernels();
    const [tokenA, tokenB] = [await a.login(), await b.login()];
    expect(await report(a, tokenA)).toBe("MISS");
    expect(await report(a, tokenA)).toBe("HIT-L1");
    await written(a);
    // B has it from Redis without computing it.
    expect(await report(b, tokenB)).toBe("HIT-L2");
    expect(await redisCheck(a)).toEqual({ status: 200, overall: "ok", redis: "up" });

    const invalidate = await b.inject({
      method: "POST",
      url: "/api/reports/cache/invalidate",
      token: tokenB,
      payload: { report: "treasury", company: 2 },
    });
    expect(invalidate.statusCode, invalidate.body).toBe(200);
    // Gone from A's L1 and from Redis: computed again.
    expect(await afterL1(a, tokenA)).toBe("MISS");
  });

  it("counts failed sign-ins on A and B against one limit", async () => {
    const [a, b] = await twoKernels({ LOGIN_RATE_LIMIT_MAX: "3" });
    const failOn = async (kernel: TestKernel, username: string) =>
      (
        await kernel.inject({
          method: "POST",
          url: "/api/auth/login",
          payload: { username, password: "wrong-password" },
        })
      ).statusCode;
    expect(await failOn(a, "ana")).toBe(401);
    expect(await failOn(b, "bogdan")).toBe(401);
    expect(await failOn(a, "carmen")).toBe(401);
    // Alone, each kernel has seen at most two failures from this address.
    expect(await failOn(b, "dan")).toBe(429);
    expect(await failOn(a, "dan")).toBe(429);
  });

  it("keeps serving cached reports from L1 without Redis, says so, and resumes when it is back", async () => {
    const [a, b] = await twoKernels();
    const [tokenA, tokenB] = [await a.login(), await b.login()];
    await report(a, tokenA);
    await written(a);
    expect(await report(b, tokenB)).toBe("HIT-L2");

    await redis.kill();
    await until(async () => (await redisCheck(a)).redis === "down", "A to notice");
    // Degraded, not down: 200, and the load balancer keeps sending traffic.
    expect(await redisCheck(a)).toEqual({ status: 200, overall: "degraded", redis: "down" });
    expect(await redisCheck(b)).toMatchObject({ status: 200, redis: "down" });
    expect(await report(a, tokenA)).toBe("HIT-L1");
    expect(await report(b, tokenB)).toBe("HIT-L1");
    // Signing in still works (limits per kernel meanwhile).
    expect(typeof (await a.login())).toBe("string");

    await redis.restart();
    await until(async () => (await redisCheck(a)).redis === "up", "A to reconnect");
    await until(async () => (await redisCheck(b)).redis === "up", "B to reconnect");
    // Whatever was invalidated meanwhile is unknown: each dropped its L1 and computes again.
    expect(await report(a, tokenA)).toBe("MISS");
    await written(a);
    expect(await report(b, tokenB)).toBe("HIT-L2");
    const invalidate = await a.inject({
      method: "POST",
      url: "/api/reports/cache/invalidate",
      token: tokenA,
      payload: { report: "treasury", company: 2 },
    });
    expect(invalidate.statusCode, invalidate.body).toBe(200);
    expect(await afterL1(b, tokenB)).toBe("MISS");
  }, 90_000);
});
