import { spawnSync } from "node:child_process";
import http from "node:http";
import path from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { postgresBinDir } from "./binaries.js";
import { describeWithServers } from "./describe-with-servers.js";
import { type NginxServer, startNginx } from "./nginx.js";
import { type PostgresServer, startPostgres } from "./postgres.js";
import { accepts, freePort } from "./processes.js";
import { type RedisServer, startRedis } from "./redis.js";

describeWithServers(["postgres", "redis", "nginx"], "throw-away servers", () => {
  let postgres: PostgresServer;
  let redis: RedisServer;
  beforeAll(async () => {
    [postgres, redis] = await Promise.all([startPostgres(), startRedis()]);
  });
  afterAll(async () => {
    await Promise.all([postgres?.stop(), redis?.stop()]);
  });

  it("gives each caller its own empty PostgreSQL database, and survives a kill and restart", async () => {
    const url = await postgres.createDatabase();
    const database = new URL(url).pathname.slice(1);
    const psql = (sql: string) =>
      spawnSync(
        path.join(postgresBinDir() as string, "psql"),
        [
          "-h",
          postgres.host,
          "-p",
          String(postgres.port),
          "-U",
          "postgres",
          "-d",
          database,
          "-qtAc",
          sql,
        ],
        { encoding: "utf8" },
      );
    expect(
      psql("CREATE TABLE t (n int); INSERT INTO t VALUES (41); SELECT n + 1 FROM t").stdout.trim(),
    ).toBe("42");
    await postgres.kill();
    expect(await accepts(postgres.host, postgres.port)).toBe(false);
    await postgres.restart();
    expect(psql("SELECT n FROM t").stdout.trim()).toBe("41");
  });

  it("freezes PostgreSQL so that it accepts connections but answers nothing, until thawed", async () => {
    const url = await postgres.createDatabase();
    const psql = (sql: string) =>
      spawnSync(
        path.join(postgresBinDir() as string, "psql"),
        [url, "-qtAc", sql],
        // libpq gives up on a server that does not answer its start-up within 2 s.
        { encoding: "utf8", env: { ...process.env, PGCONNECT_TIMEOUT: "2" } },
      );
    await postgres.freeze();
    try {
      // The port still accepts (the kernel queues the connection), nothing answers.
      expect(await accepts(postgres.host, postgres.port)).toBe(true);
      const frozen = psql("SELECT 1");
      expect(frozen.status).not.toBe(0);
      expect(frozen.stderr).toContain("timeout");
    } finally {
      await postgres.thaw();
    }
    expect(psql("SELECT 1").stdout.trim()).toBe("1");
  });

  it("starts Redis, which drops every key when killed and restarted", async () => {
    expect(await accepts(redis.host, redis.port)).toBe(true);
    await redis.kill();
    expect(await accepts(redis.host, redis.port)).toBe(false);
    await redis.restart();
    expect(await accepts(redis.host, redis.port)).toBe(true);
  });

  it("balances nginx over several upstreams and skips one that is down", async () => {
    const servers = await Promise.all(
      ["a", "b"].map(
        (name) =>
          new Promise<http.Server>((resolve) => {
            const server = http.createServer((_request, response) => response.end(name));
            server.listen(0, "127.0.0.1", () => resolve(server));
          }),
      ),
    );
    const down = await freePort();
    const upstreams = [
      ...servers.map((server) => `127.0.0.1:${(server.address() as { port: number }).port}`),
      `127.0.0.1:${down}`,
    ];
    let nginx: NginxServer | undefined;
    try {
      nginx = await startNginx({ upstreams });
      const seen: string[] = [];
      for (let i = 0; i < 9; i += 1) {
        const response = await fetch(`${nginx.url}/`);
        expect(response.status).toBe(200);
        seen.push(await response.text());
      }
      expect(new Set(seen)).toEqual(new Set(["a", "b"]));
    } finally {
      await nginx?.stop();
      for (const server of servers) server.close();
    }
  });
});
