// The supervisor (ADR 0025) as a user runs it: `node dist/main.js` binds the port and
// runs the kernel in a child process; SIGHUP, POST /api/kernel/handover and a plugin
// reload hand the socket over to a fresh kernel process without failing a request.
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { packPlugin } from "../src/packages/index.js";
import {
  type PluginSpec,
  temporaryPluginHome,
  writePluginFolder,
} from "./helpers/plugin-folders.js";
import { type ServerProcess, startServerProcess } from "./helpers/server-process.js";
import { FIXTURE_PLUGINS, REPO_ROOT } from "./helpers/test-kernel.js";

const MAIN = path.join(REPO_ROOT, "kernel", "core", "dist", "main.js");

const roots: string[] = [];
const servers: ServerProcess[] = [];
function tempDir(name: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), `roa2web-supervisor-${name}-`));
  roots.push(dir);
  return dir;
}
afterEach(async () => {
  for (const server of servers.splice(0)) {
    if (server.child.exitCode === null) {
      server.child.kill("SIGTERM");
      await server.exited;
    }
  }
});
const pluginHome = temporaryPluginHome();
afterAll(() => {
  for (const dir of roots) rmSync(dir, { recursive: true, force: true });
  pluginHome.remove();
});

/** Packs a small plugin (unsigned: the servers here run in development). */
async function packed(spec: PluginSpec): Promise<Buffer> {
  const folder = writePluginFolder(path.join(pluginHome.dir, "sources"), spec);
  const { file } = await packPlugin(folder, {
    outDir: path.join(pluginHome.dir, "packages", `${spec.name}-${spec.version}`),
  });
  return readFileSync(file);
}

async function start(env: Record<string, string> = {}, cwd?: string): Promise<ServerProcess> {
  const server = await startServerProcess(
    { DATA_DIR: tempDir("data"), PLUGINS_WORKSPACE_DIR: FIXTURE_PLUGINS, ...env },
    { cwd },
  );
  servers.push(server);
  return server;
}

interface KernelProcessView {
  pid: number;
  kernel_generation: number;
  supervised: boolean;
}

async function kernelProcess(server: ServerProcess, token: string): Promise<KernelProcessView> {
  const response = await fetch(`${server.base}/health?details=1`, {
    headers: { authorization: `Bearer ${token}` },
  });
  expect(response.status).toBe(200);
  return ((await response.json()) as { process: KernelProcessView }).process;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** GET over a keep-alive agent: the status, or the error's code when the request failed. */
function get(agent: http.Agent, url: string, token?: string): Promise<number | string> {
  return new Promise((resolve) => {
    const request = http.get(
      url,
      { agent, headers: token ? { authorization: `Bearer ${token}` } : {} },
      (response) => {
        response.resume();
        response.on("end", () => resolve(response.statusCode ?? 0));
        response.on("error", (error: NodeJS.ErrnoException) => resolve(error.code ?? "error"));
      },
    );
    request.on("error", (error: NodeJS.ErrnoException) => resolve(error.code ?? "error"));
  });
}

interface InstallAnswer {
  kind?: string;
  version?: string;
  previous_version?: string | null;
  plugin?: { name: string; state: string };
  error?: { code: string; details: { serving: string | null } };
}

const msg = (text: string) => (line: Record<string, unknown>) => line.msg === text;

describe("the supervisor", () => {
  it("hands over on SIGHUP under a stream of keep-alive requests: none fails, a slow one in flight completes, the new process serves", async () => {
    const server = await start({ LOG_REQUESTS: "true" });
    const token = await server.login();
    const first = await kernelProcess(server, token);
    expect(first).toMatchObject({ supervised: true, kernel_generation: 1 });
    expect(first.pid).not.toBe(server.child.pid);

    // Four keep-alive connections asking for /health back to back, two asking for a
    // 1.5 s answer: a bounded stream that runs until the old kernel has exited.
    const agent = new http.Agent({ keepAlive: true, maxSockets: 6 });
    const results: (number | string)[] = [];
    let running = true;
    const client = async (url: string, auth?: string) => {
      for (let count = 0; running && count < 5_000; count += 1) {
        results.push(await get(agent, url, auth));
      }
    };
    const clients = [
      ...Array.from({ length: 4 }, () => client(`${server.base}/health`)),
      ...Array.from({ length: 2 }, () => client(`${server.base}/api/good/slow?ms=1500`, token)),
    ];
    await new Promise((resolve) => setTimeout(resolve, 300));
    const before = results.length;
    server.child.kill("SIGHUP");
    const committed = await server.waitForLine(
      msg("Hand-over committed: the new kernel serves"),
      90_000,
    );
    await server.waitForLine(
      (line) =>
        line.msg === "Kernel process exited" && line.kernelGeneration === 1 && line.code === 0,
      30_000,
    );
    const afterExit = results.length;
    while (results.length < afterExit + 50) await new Promise((resolve) => setTimeout(resolve, 20));
    running = false;
    await Promise.all(clients);
    agent.destroy();

    expect(before).toBeGreaterThan(0);
    expect(results.filter((status) => status !== 200)).toEqual([]);
    expect(committed).toMatchObject({ kernelGeneration: 2, previousGeneration: 1 });
    // The old kernel answered a slow request after the new one took the socket: it was in flight.
    const slowOnOld = server.lines.filter(
      (line) =>
        line.kernelGeneration === 1 &&
        line.msg === "request completed" &&
        String(line.url).startsWith("/api/good/slow") &&
        line.statusCode === 200 &&
        Number(line.time) > Number(committed.time),
    );
    expect(slowOnOld.length).toBeGreaterThan(0);
    // It stopped its plugins (kernel.stop()), then exited.
    expect(
      server.lines.some((line) => line.kernelGeneration === 1 && line.msg === "Shutdown complete"),
    ).toBe(true);
    const second = await kernelProcess(server, token);
    expect(second.kernel_generation).toBe(2);
    expect(second.pid).not.toBe(first.pid);
    expect(alive(first.pid)).toBe(false);
  }, 180_000);

  it("keeps the running kernel when the new one cannot start, says why, and reloads a plugin by hand-over once it can", async () => {
    // The project root is a temporary folder, so its .env can be broken and mended.
    const root = tempDir("root");
    mkdirSync(path.join(root, "config"));
    writeFileSync(path.join(root, ".env"), "LOG_LEVEL=info\n");
    const server = await start({ UI_SHELL_DIR: path.join(REPO_ROOT, "ui-shell", "dist") }, root);
    const token = await server.login();
    const first = await kernelProcess(server, token);
    const post = (url: string, body?: unknown) =>
      fetch(`${server.base}${url}`, {
        method: "POST",
        headers: {
          authorization: `Bearer ${token}`,
          ...(body === undefined ? {} : { "content-type": "application/json" }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });

    writeFileSync(path.join(root, ".env"), "LOG_LEVEL=loud\n");
    const refused = await post("/api/kernel/handover", { reason: "test" });
    expect(refused.status).toBe(409);
    const error = ((await refused.json()) as { error: { code: string; message: string } }).error;
    expect(error.message).toContain("exited with code 78");
    expect(error.message).toContain("LOG_LEVEL must be one of");
    // The same kernel process still serves.
    expect(await kernelProcess(server, token)).toEqual(first);
    const failedReload = await post("/api/kernel/plugins/good/reload");
    expect(failedReload.status).toBe(409);
    expect(await kernelProcess(server, token)).toEqual(first);

    writeFileSync(path.join(root, ".env"), "LOG_LEVEL=info\n");
    const reloaded = await post("/api/kernel/plugins/good/reload");
    expect(reloaded.status).toBe(200);
    expect(await reloaded.json()).toMatchObject({ name: "good", state: "enabled" });
    const after = await kernelProcess(server, token);
    expect(after.pid).not.toBe(first.pid);
    // Generations 2 and 3 were the kernels that could not start.
    expect(after.kernel_generation).toBe(first.kernel_generation + 3);
    // A hand-over that expects a plugin the new kernel does not run is not committed.
    const expectMissing = await post("/api/kernel/handover", { expect: { plugin: "nowhere" } });
    expect(expectMissing.status).toBe(409);
    expect(
      ((await expectMissing.json()) as { error: { message: string } }).error.message,
    ).toContain('has no plugin "nowhere"');
    expect((await kernelProcess(server, token)).pid).toBe(after.pid);
  }, 240_000);

  it("installs and upgrades a package by hand-over: the new version serves from a fresh process, and one that fails to start leaves the old process, version and package records as they were", async () => {
    const dataDir = tempDir("data");
    const server = await start({ DATA_DIR: dataDir });
    const token = await server.login();
    const install = async (archive: Buffer) => {
      const form = new FormData();
      form.append("file", new Blob([archive]), "package.roa2web.tgz");
      const response = await fetch(`${server.base}/api/kernel/plugins/packages`, {
        method: "POST",
        headers: { authorization: `Bearer ${token}` },
        body: form,
      });
      return { status: response.status, body: (await response.json()) as InstallAnswer };
    };
    const answer = async (url: string) => {
      const response = await fetch(`${server.base}${url}`);
      return { status: response.status, body: (await response.json()) as Record<string, unknown> };
    };
    const first = await kernelProcess(server, token);

    const installed = await install(
      await packed({ name: "shipped", version: "1.0.0", routes: ["hello"] }),
    );
    expect(installed.status).toBe(200);
    expect(installed.body).toMatchObject({ kind: "install", version: "1.0.0" });
    expect(installed.body.plugin).toMatchObject({ name: "shipped", state: "enabled" });
    const second = await kernelProcess(server, token);
    expect(second.pid).not.toBe(first.pid);
    expect((await answer("/api/shipped/hello")).body).toMatchObject({ version: "1.0.0" });

    const upgraded = await install(
      await packed({ name: "shipped", version: "1.1.0", routes: ["hello", "added"] }),
    );
    expect(upgraded.status).toBe(200);
    expect(upgraded.body).toMatchObject({ kind: "upgrade", previous_version: "1.0.0" });
    const third = await kernelProcess(server, token);
    expect(third.pid).not.toBe(second.pid);
    expect((await answer("/api/shipped/added")).body).toMatchObject({ version: "1.1.0" });
    const records = async () => {
      const response = await fetch(`${server.base}/api/kernel/plugins/packages`, {
        headers: { authorization: `Bearer ${token}` },
      });
      return ((await response.json()) as { items: Array<Record<string, unknown>> }).items;
    };
    const before = await records();
    expect(before.map((row) => `${row.version} ${row.status}`).sort()).toEqual([
      "1.0.0 previous",
      "1.1.0 active",
    ]);
    const folders = path.join(dataDir, "plugin-packages", "shipped");
    expect(readdirSync(folders).sort()).toEqual(["1.0.0", "1.1.0"]);

    const broken = await install(
      await packed({
        name: "shipped",
        version: "1.2.0",
        routes: ["hello"],
        throwsOnStart: "no licence file",
      }),
    );
    expect(broken.status).toBe(422);
    expect(broken.body.error?.code).toBe("PACKAGE_ACTIVATION_FAILED");
    expect(broken.body.error?.details.serving).toBe("1.1.0");
    // The process that served 1.1.0 still does, and the record says so: a restart or the
    // next hand-over starts 1.1.0, not the version that failed.
    expect(await kernelProcess(server, token)).toEqual(third);
    expect((await answer("/api/shipped/added")).body).toMatchObject({ version: "1.1.0" });
    // The records as they were — 1.1.0 active, 1.0.0 kept for a rollback, every field
    // the same — and the failed attempt beside them; 1.0.0's files still there.
    const after = await records();
    expect(after.filter((row) => row.version !== "1.2.0")).toEqual(before);
    expect(after.find((row) => row.version === "1.2.0")).toMatchObject({
      status: "failed",
      failure: expect.stringContaining("no licence file"),
    });
    expect(readdirSync(folders).sort()).toEqual(["1.0.0", "1.1.0"]);
  }, 240_000);

  it("restarts a kernel process that was killed, and on SIGTERM stops it and exits 0 with no process left", async () => {
    const server = await start();
    const token = await server.login();
    const first = await kernelProcess(server, token);
    process.kill(first.pid, "SIGKILL");
    await server.waitForLine(msg("Kernel restarted and serving"), 90_000);
    const second = await kernelProcess(server, await server.login());
    expect(second.kernel_generation).toBe(2);
    expect(second.pid).not.toBe(first.pid);

    server.child.kill("SIGTERM");
    expect(await server.exited).toBe(0);
    expect(alive(second.pid)).toBe(false);
    expect(alive(server.child.pid as number)).toBe(false);
    expect(
      server.lines.some((line) => line.kernelGeneration === 2 && line.msg === "Shutdown complete"),
    ).toBe(true);
  }, 180_000);

  it("ends with the first kernel's exit code and message when it cannot start (78: a setting), leaving no process", async () => {
    // Checked by the demo ERP as it opens: only the kernel process sees it.
    const child = spawn(process.execPath, [MAIN], {
      cwd: REPO_ROOT,
      env: {
        ...process.env,
        ROA2WEB_ENV: "development",
        LOG_PRETTY: "false",
        PORT: "0",
        DATA_DIR: tempDir("data"),
        PLUGINS_WORKSPACE_DIR: FIXTURE_PLUGINS,
        ERP_DEMO_SCALE: "0",
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const code = await new Promise((resolve) => child.on("exit", resolve));
    expect(code).toBe(78);
    expect(stderr).toContain("roa2web cannot start.");
    expect(stderr).toContain("ERP_DEMO_SCALE must be a whole number");
    const started = stdout
      .split("\n")
      .filter((line) => line.startsWith("{"))
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .find((line) => line.msg === "Kernel process started");
    expect(started?.kernelPid).toEqual(expect.any(Number));
    expect(alive(started?.kernelPid as number)).toBe(false);
  }, 120_000);
});
