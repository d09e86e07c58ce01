// A plugin's fault outside its requests (a timer that throws, a promise nobody
// catches) fails that plugin only: its routes answer 503 with the reason, the kernel and
// the other plugins carry on, and an administrator can start it again. A fault nobody
// can attribute still stops the kernel process gracefully (the supervisor then starts a
// fresh one). Only a whole process shows this.
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ServerProcess, startServerProcess } from "./helpers/server-process.js";
import { FIXTURE_PLUGINS } from "./helpers/test-kernel.js";

const FAULTY_PLUGINS = fileURLToPath(new URL("./fixtures/faulty-plugins", import.meta.url));
const dataDir = mkdtempSync(path.join(os.tmpdir(), "roa2web-faults-"));
let server: ServerProcess;
let token: string;

beforeAll(async () => {
  server = await startServerProcess({
    DATA_DIR: dataDir,
    PLUGINS_WORKSPACE_DIR: FIXTURE_PLUGINS,
    PLUGINS_DIR: FAULTY_PLUGINS,
  });
  token = await server.login();
});
afterAll(async () => {
  if (server?.child.exitCode === null) {
    server.child.kill("SIGKILL");
    await server.exited;
  }
  rmSync(dataDir, { recursive: true, force: true });
});

const get = (url: string) =>
  fetch(`${server.base}${url}`, { headers: { authorization: `Bearer ${token}` } });
const post = (url: string) =>
  fetch(`${server.base}${url}`, { method: "POST", headers: { authorization: `Bearer ${token}` } });

async function stateOf(name: string): Promise<string> {
  const items = (
    (await (await get("/api/kernel/plugins")).json()) as {
      items: Array<{ name: string; state: string }>;
    }
  ).items;
  return items.find((item) => item.name === name)?.state ?? "missing";
}

async function until(check: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe.each([
  ["a timer that throws", "/api/faulty/throw-later", "a timer of the faulty fixture threw"],
  [
    "a promise nobody catches",
    "/api/faulty/reject-later",
    "a promise of the faulty fixture was rejected",
  ],
])("a plugin fault from %s", (_what, trigger, message) => {
  it("fails that plugin only; its routes answer 503 with the reason; the kernel carries on", async () => {
    expect((await get("/api/faulty/ping")).status).toBe(200);
    expect((await post(trigger)).status).toBe(200);
    await until(async () => (await stateOf("faulty")) === "failed", "the plugin to fail");
    await until(async () => (await get("/api/faulty/ping")).status === 503, "its routes to go");

    const refused = await get("/api/faulty/ping");
    expect(refused.status).toBe(503);
    expect(await refused.json()).toMatchObject({
      error: { code: "PLUGIN_FAILED", details: { plugin: "faulty", step: "run", reason: message } },
    });
    expect((await get("/api/good/ping")).status).toBe(200);
    expect((await fetch(`${server.base}/health`)).status).toBe(200);
    expect(server.child.exitCode).toBeNull();
    const logged = server.lines.find((line) => line.plugin === "faulty" && line.level === 50);
    expect(logged?.msg).toContain('Plugin "faulty" failed');

    const enabled = await post("/api/kernel/plugins/faulty/enable");
    expect(enabled.status).toBe(200);
    expect((await get("/api/faulty/ping")).status).toBe(200);
  });
});

describe("a plugin that calls process.exit()", () => {
  it("does not end the process: the call throws and the plugin is failed", async () => {
    expect((await get("/api/faulty/ping")).status).toBe(200);
    const refused = await post("/api/faulty/exit");
    expect(refused.status).toBe(500);
    await until(async () => (await get("/api/faulty/ping")).status === 503, "its routes to go");
    expect(await stateOf("faulty")).toBe("failed");
    expect(server.child.exitCode).toBeNull();
    expect((await get("/api/good/ping")).status).toBe(200);
    expect((await post("/api/kernel/plugins/faulty/enable")).status).toBe(200);
  });
});

describe("a fault no plugin's code is on", () => {
  it("stops that kernel process gracefully with exit code 1, and the supervisor starts a fresh one", async () => {
    expect((await post("/api/faulty/reject-with-text")).status).toBe(200);
    const exited = await server.waitForLine(
      (line) => line.msg === "Kernel process exited" && line.kernelGeneration === 1,
      60_000,
    );
    expect(exited).toMatchObject({ code: 1, signal: null });
    const messages = server.lines.map((line) => line.msg);
    expect(messages).toContain("Stopping after an uncaught error");
    expect(messages).toContain("Shutdown complete");
    await server.waitForLine((line) => line.msg === "Kernel restarted and serving", 90_000);
    // The kernel's own state could not be trusted: a fresh process serves, the same port.
    expect((await get("/api/good/ping")).status).toBe(200);
    expect(server.child.exitCode).toBeNull();
  }, 180_000);
});
