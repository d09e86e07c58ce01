// Exactly one Telegram poller across kernel processes that share nothing but Redis (each
// its own DATA_DIR, as on separate machines): a killed holder (no release) is replaced
// within seconds; with Redis lost nobody polls; once it is back one kernel polls again.
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describeWithServers, type RedisServer, startRedis } from "@roa2web/test-servers";
import { afterAll, beforeAll, expect, it } from "vitest";
import { FakeBotApi, waitFor } from "../../../plugins/telegram/src/fake-bot-api.js";
import { type ServerProcess, startServerProcess } from "./helpers/server-process.js";

describeWithServers(["redis"], "the Telegram poller on Redis leases", () => {
  let redis: RedisServer;
  const api = new FakeBotApi();
  const folders: string[] = [];
  const running: ServerProcess[] = [];

  beforeAll(async () => {
    redis = await startRedis();
    await api.start();
  }, 30_000);
  afterAll(async () => {
    for (const server of running) {
      if (server.child.exitCode === null && server.child.signalCode === null) {
        server.child.kill("SIGKILL");
        await server.exited;
      }
    }
    await api.close();
    await redis?.stop();
    for (const folder of folders) rmSync(folder, { recursive: true, force: true });
  });

  async function start(): Promise<{ server: ServerProcess; token: string }> {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), "roa2web-redis-poller-"));
    folders.push(dataDir);
    const server = await startServerProcess(
      {
        ROA2WEB_SUPERVISOR: "off",
        DATA_DIR: dataDir,
        REDIS_URL: redis.url,
        TELEGRAM_BOT_TOKEN: "123:redis",
        TELEGRAM_API_ROOT: api.url,
        DATA_ENTRY_OCR_ENABLED: "false",
      },
      { startTimeoutMs: 90_000 },
    );
    running.push(server);
    return { server, token: await server.login() };
  }

  /** "this kernel" or "standby": what the kernel's Telegram plugin says in /health. */
  async function role(kernel: { server: ServerProcess; token: string }): Promise<unknown> {
    const response = await fetch(`${kernel.server.base}/health?details=1`, {
      headers: { authorization: `Bearer ${kernel.token}` },
    });
    const body = (await response.json()) as {
      plugins: Array<{ name: string; data?: Record<string, unknown> }>;
    };
    return body.plugins.find((plugin) => plugin.name === "telegram")?.data?.poller;
  }

  it("polls on one kernel, hands over after the holder is killed, and stops polling while Redis is lost", {
    timeout: 300_000,
  }, async () => {
    const [a, b] = await Promise.all([start(), start()]);
    const roles = async () => [await role(a), await role(b)];
    await waitFor(
      async () => (await roles()).includes("this kernel"),
      "one kernel to poll",
      20_000,
    );
    expect((await roles()).sort()).toEqual(["standby", "this kernel"]);
    const [holder, standby] = (await role(a)) === "this kernel" ? [a, b] : [b, a];

    // Killed: nothing is released; the lease lapses in Redis and the other takes it.
    holder.server.child.kill("SIGKILL");
    await holder.server.exited;
    const killedAt = Date.now();
    await waitFor(async () => (await role(standby)) === "this kernel", "the takeover", 15_000);
    const takeoverMs = Date.now() - killedAt;

    // Redis lost: the holder gives the poller up rather than risk a second one.
    const c = await start();
    expect(await role(c)).toBe("standby");
    await redis.kill();
    await waitFor(
      async () => (await role(standby)) !== "this kernel" && (await role(c)) !== "this kernel",
      "polling to stop",
      10_000,
    );
    const polls = api.callsOf("getUpdates").length;
    await redis.restart();
    await waitFor(
      async () => [await role(standby), await role(c)].includes("this kernel"),
      "one kernel to poll again",
      20_000,
    );
    await waitFor(() => api.callsOf("getUpdates").length > polls, "getUpdates again", 10_000);
    expect([await role(standby), await role(c)].sort()).toEqual(["standby", "this kernel"]);
    // Never two getUpdates at once (Telegram would answer 409 Conflict).
    expect(api.maxConcurrentPolls).toBe(1);
    expect(takeoverMs).toBeLessThan(15_000);
  });
});
