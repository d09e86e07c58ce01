/**
 * Several kernels as a firm that outgrew one machine runs them (docs/scaling.md): each
 * its own process and DATA_DIR, all on one PostgreSQL database (DATABASE_URL) and one
 * Redis (REDIS_URL), one JWT secret, behind nginx. The servers are throw-away ones on
 * loopback (@roa2web/test-servers); tests that use this run under
 * `describeWithServers(["postgres", "redis", "nginx"], …)`, most through
 * `useKernelCluster`, which starts one for the describe block and signs in.
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
import { afterAll, beforeAll } from "vitest";
import { FakeBotApi } from "../../../../plugins/telegram/src/fake-bot-api.js";
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

export interface UseKernelClusterOptions {
  /** How many kernels (3 unless told). */
  kernels?: number;
  /** Added to every kernel's environment: what the file's tests turn on or tune. */
  env?: Record<string, string>;
  /**
   * Starts a fake Telegram Bot API first and points every kernel at it
   * (`TELEGRAM_API_ROOT`); the bot's token is the file's to set in `env`.
   */
  fakeBotApi?: boolean;
}

/** The cluster a describe block runs on, once its `beforeAll` has started it. */
export interface ClusterUnderTest
  extends Pick<KernelCluster, "postgres" | "base" | "kernels" | "add" | "kill" | "login"> {
  /** demo's access token, signed in through nginx once the kernels are up. */
  readonly token: string;
  /** Kernel `index`, in start order. */
  kernel(index: number): ServerProcess;
  /** The fake Bot API the kernels call (only with `fakeBotApi`). */
  readonly api: FakeBotApi;
}

/**
 * Registers, in the calling describe block, a `beforeAll` that starts the fake Bot API
 * (if asked), `options.kernels` kernels behind nginx and signs in as demo, and the
 * `afterAll` that stops them all. What it returns reads the started cluster, so use it
 * only inside hooks and tests.
 */
export function useKernelCluster(options: UseKernelClusterOptions = {}): ClusterUnderTest {
  const api = options.fakeBotApi ? new FakeBotApi() : undefined;
  let cluster: KernelCluster | undefined;
  let token: string | undefined;
  beforeAll(async () => {
    const env = { ...options.env };
    if (api) env.TELEGRAM_API_ROOT = await api.start();
    cluster = await startKernelCluster({ kernels: options.kernels ?? 3, env });
    token = await cluster.login();
  }, 400_000);
  afterAll(async () => {
    await cluster?.stop();
    if (api?.url) await api.close();
  }, 120_000);

  const started = (): KernelCluster => {
    if (!cluster) throw new Error("the kernel cluster has not started (its beforeAll failed?)");
    return cluster;
  };
  const kernel = (index: number): ServerProcess => {
    const found = started().kernels[index];
    if (!found) throw new Error(`no kernel ${index}`);
    return found;
  };
  return {
    get postgres() {
      return started().postgres;
    },
    get base() {
      return started().base;
    },
    get kernels() {
      return started().kernels;
    },
    add: (env) => started().add(env),
    kill: (index) => started().kill(index),
    login: () => started().login(),
    get token() {
      if (token === undefined) throw new Error("not signed in: the cluster has not started");
      return token;
    },
    kernel,
    get api() {
      if (!api) throw new Error("useKernelCluster was not asked for a fake Bot API");
      return api;
    },
  };
}
