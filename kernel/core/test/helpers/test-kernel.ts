/** Starts a real kernel on temp SQLite files with the fixture plugins, for HTTP tests. */
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { InjectOptions, LightMyRequestResponse } from "fastify";
import { pino } from "pino";
import { loadConfig } from "../../src/config/load-config.js";
import { createKernel, type Kernel } from "../../src/kernel.js";

export const REPO_ROOT = fileURLToPath(new URL("../../../../", import.meta.url));
export const FIXTURE_PLUGINS = fileURLToPath(new URL("../fixtures/plugins", import.meta.url));

export interface TestKernel {
  kernel: Kernel;
  dataDir: string;
  /** Base URL when started with `listen: true`. */
  url: string;
  login(username?: string, password?: string): Promise<string>;
  close(): Promise<void>;
}

export async function startTestKernel(
  options: {
    env?: Record<string, string>;
    listen?: boolean;
    pluginDirs?: string[];
    logLines?: object[];
  } = {},
): Promise<TestKernel> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "roa2web-test-"));
  const settings = loadConfig({
    root: REPO_ROOT,
    ignoreDotenv: true,
    env: {
      ROA2WEB_ENV: "test",
      DATA_DIR: dataDir,
      PORT: "0",
      HOST: "127.0.0.1",
      AUTH_CREATE_DEMO_USER: "true",
      PLUGINS_WORKSPACE_DIR: (options.pluginDirs ?? [FIXTURE_PLUGINS])[0] ?? FIXTURE_PLUGINS,
      PLUGINS_DIR: (options.pluginDirs ?? []).slice(1).join(","),
      UI_SHELL_DIR: path.join(dataDir, "no-shell"),
      HTTP_DRAIN_TIMEOUT_MS: "5000",
      ...options.env,
    },
  });
  const lines = options.logLines;
  const logger = pino(
    { level: lines ? "debug" : "silent", base: { module: "kernel" } },
    lines ? { write: (line: string) => void lines.push(JSON.parse(line)) } : undefined,
  );
  const kernel = await createKernel(settings, { logger });
  let url = "";
  if (options.listen) url = (await kernel.listen()).url;
  const app = () => {
    const active = kernel.switchboard.activeApp;
    if (!active) throw new Error("no active generation");
    return active;
  };
  return {
    kernel,
    dataDir,
    url,
    async login(username = "demo", password = "demo") {
      const response = await app().inject({
        method: "POST",
        url: "/api/auth/login",
        payload: { username, password },
      });
      if (response.statusCode !== 200)
        throw new Error(`login failed: ${response.statusCode} ${response.body}`);
      return response.json().access_token as string;
    },
    async close() {
      await kernel.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** inject() against the generation serving now. */
export function inject(kernel: Kernel, options: InjectOptions): Promise<LightMyRequestResponse> {
  const app = kernel.switchboard.activeApp;
  if (!app) throw new Error("no active generation");
  return app.inject(options);
}
