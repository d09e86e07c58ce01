/**
 * Several kernels as a firm that outgrew one machine runs them (docs/scaling.md): each
 * its own process and DATA_DIR, all on one PostgreSQL database (DATABASE_URL) and one
 * Redis (REDIS_URL), one JWT secret, behind nginx. The servers are throw-away ones on
 * loopback (@roa2web/test-servers); tests that use this run under
 * `describeWithServers(["postgres", "redis", "nginx"], …)`.
 */
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import {
  type NginxServer,
  type PostgresServer,
  type RedisServer,
  startNginx,
  startPostgres,
  startRedis,
} from "@roa2web/test-servers";
import { type ServerProcess, startServerProcess } from "./server-process.js";

export interface KernelCluster {
  postgres: PostgresServer;
  redis: RedisServer;
  nginx: NginxServer;
  /** nginx's address: what users reach. */
  base: string;
  /** The kernels, in start order (a killed one stays in the list, its process gone). */
  kernels: ServerProcess[];
  /** The environment every kernel shares (DATABASE_URL, REDIS_URL, JWT_SECRET …). */
  env: Record<string, string>;
  /**
   * Starts one more kernel on the same servers (a new machine: its own empty DATA_DIR),
   * with `env` added to the shared environment; not behind nginx (reach it by its base).
   */
  add(env?: Record<string, string>): Promise<ServerProcess>;
  /** Kills kernel `index` at once (SIGKILL), as a lost machine. */
  kill(index: number): Promise<void>;
  /** Signs in as demo/demo through nginx and returns the access token. */
  login(): Promise<string>;
  stop(): Promise<void>;
}

export interface KernelClusterOptions {
  kernels?: number;
  /** Added to every kernel's environment. */
  env?: Record<string, string>;
}

export async function startKernelCluster(
  options: KernelClusterOptions = {},
): Promise<KernelCluster> {
  const count = options.kernels ?? 3;
  const [postgres, redis] = await Promise.all([startPostgres(), startRedis()]);
  const folders: string[] = [];
  const kernels: ServerProcess[] = [];
  let nginx: NginxServer | undefined;
  const stop = async () => {
    for (const kernel of kernels) {
      if (kernel.child.exitCode === null && kernel.child.signalCode === null) {
        kernel.child.kill("SIGTERM");
        const timer = setTimeout(() => kernel.child.kill("SIGKILL"), 10_000);
        await kernel.exited;
        clearTimeout(timer);
      }
    }
    await nginx?.stop();
    await Promise.all([postgres.stop(), redis.stop()]);
    for (const folder of folders) rmSync(folder, { recursive: true, force: true });
  };
  try {
    const env: Record<string, string> = {
      DATABASE_URL: await postgres.createDatabase(),
      REDIS_URL: redis.url,
      JWT_SECRET: "several-kernels-test-secret-0123456789abcdef",
      TRUST_PROXY: "127.0.0.1",
      // Plain kernels: the tests kill and count kernel processes, not supervisors.
      ROA2WEB_SUPERVISOR: "off",
      ...options.env,
    };
    // The first kernel migrates alone, so a failing migration fails here with its log;
    // the others then start together (their migrations find nothing to do).
    const startOne = async (extra: Record<string, string> = {}) => {
      const dataDir = mkdtempSync(path.join(os.tmpdir(), "roa2web-cluster-"));
      folders.push(dataDir);
      const kernel = await startServerProcess(
        { ...env, ...extra, DATA_DIR: dataDir },
        { startTimeoutMs: 120_000 },
      );
      kernels.push(kernel);
      return kernel;
    };
    await startOne();
    await Promise.all(Array.from({ length: count - 1 }, () => startOne()));
    nginx = await startNginx({ upstreams: kernels.map((kernel) => new URL(kernel.base).host) });
    const base = nginx.url;
    return {
      postgres,
      redis,
      nginx,
      base,
      kernels,
      env,
      add: (extra) => startOne(extra),
      async kill(index) {
        const kernel = kernels[index];
        if (!kernel) throw new Error(`no kernel ${index}`);
        kernel.child.kill("SIGKILL");
        await kernel.exited;
      },
      async login() {
        const response = await fetch(`${base}/api/auth/login`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ username: "demo", password: "demo" }),
        });
        if (response.status !== 200)
          throw new Error(`login: ${response.status} ${await response.text()}`);
        return ((await response.json()) as { access_token: string }).access_token;
      },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
