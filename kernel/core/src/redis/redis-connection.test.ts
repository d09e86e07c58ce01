// The kernel's Redis connection: it starts degraded when Redis does not answer,
// reconnects by itself after a loss, logs the loss and the return once each, and never
// shows the URL's password.
import { spawn } from "node:child_process";
import {
  describeWithServers,
  freePort,
  redisServerBinary,
  startRedis,
} from "@roa2web/test-servers";
import { expect, it } from "vitest";
import { describeRedisUrl, RedisConfigurationError, RedisConnection } from "./redis-connection.js";

async function until(check: () => boolean, what: string, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

it("describes a URL without its user and password", () => {
  expect(describeRedisUrl("redis://app:s3cret@redis.local:6380/2")).toBe(
    "redis://redis.local:6380/2",
  );
  expect(describeRedisUrl("rediss://:s3cret@redis.local")).toBe("rediss://redis.local");
  expect(() => new RedisConnection({ url: "http://:s3cret@x", logger: console })).toThrow(
    RedisConfigurationError,
  );
});

describeWithServers(["redis"], "RedisConnection", () => {
  it("starts degraded without Redis and connects once it answers; reconnects after a loss, saying so once each way", async () => {
    const logs: Array<{ level: string; object: object; message?: string }> = [];
    const logger = {
      info: (object: object, message?: string) => logs.push({ level: "info", object, message }),
      warn: (object: object, message?: string) => logs.push({ level: "warn", object, message }),
    };
    const port = await freePort();
    // Nothing listens there yet: a wrong password could not even be tried.
    const connection = new RedisConnection({
      url: `redis://:s3cret@127.0.0.1:${port}`,
      logger,
      connectTimeoutMs: 500,
    });
    const events: string[] = [];
    connection.on("lost", () => events.push("lost"));
    connection.on("back", () => events.push("back"));
    try {
      await connection.open();
      expect(connection.up).toBe(false);
      expect(connection.health()).toMatchObject({ status: "down" });

      // Redis appears on that port (with that password): the kernel connects by itself.
      const late = spawn(
        redisServerBinary() ?? "redis-server",
        ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--requirepass", "s3cret"],
        { stdio: "ignore" },
      );
      try {
        await until(() => connection.up, "the late Redis to be reached");
        expect(events).toEqual(["back"]);
        expect(connection.health()).toMatchObject({ status: "up" });
      } finally {
        late.kill("SIGKILL");
      }

      const redis = await startRedis();
      try {
        const live = new RedisConnection({ url: redis.url, logger, connectTimeoutMs: 500 });
        live.on("lost", () => events.push("live lost"));
        live.on("back", () => events.push("live back"));
        await live.open();
        expect(live.up).toBe(true);
        await redis.kill();
        await until(() => !live.up, "the loss to be seen");
        // Reconnect attempts keep failing meanwhile: still one "lost", no noise.
        await new Promise((resolve) => setTimeout(resolve, 1500));
        await redis.restart();
        await until(() => live.up, "the reconnection");
        expect(events.filter((event) => event.startsWith("live"))).toEqual([
          "live lost",
          "live back",
        ]);
        // The late one's loss (killed above) and the live one's: once each, not per retry.
        expect(logs.filter((line) => /^Lost Redis/.test(line.message ?? ""))).toHaveLength(2);
        expect(logs.filter((line) => /^Redis is back/.test(line.message ?? ""))).toHaveLength(2);
        await live.close();
      } finally {
        await redis.stop();
      }
      expect(JSON.stringify([logs, connection.health()])).not.toContain("s3cret");
    } finally {
      await connection.close();
    }
  }, 60_000);
});
