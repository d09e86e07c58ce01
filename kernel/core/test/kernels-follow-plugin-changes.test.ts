// Two kernel processes sharing one database (here one DATA_DIR's SQLite: the same rows
// several kernels read from PostgreSQL) follow each other's plugin changes: a plugin
// disabled, enabled or reloaded through one is disabled, enabled or reloaded on the
// other within seconds, and neither applies its own change twice.
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { waitFor } from "../../../plugins/telegram/src/fake-bot-api.js";
import { type ServerProcess, startServerProcess } from "./helpers/server-process.js";

const dataDir = mkdtempSync(path.join(os.tmpdir(), "roa2web-follow-"));
const kernels: ServerProcess[] = [];
afterAll(async () => {
  for (const kernel of kernels) {
    kernel.child.kill("SIGKILL");
    await kernel.exited;
  }
  rmSync(dataDir, { recursive: true, force: true });
});

async function start(): Promise<ServerProcess> {
  const kernel = await startServerProcess(
    {
      ROA2WEB_SUPERVISOR: "off",
      DATA_DIR: dataDir,
      PLUGIN_SYNC_INTERVAL_MS: "300",
      MODULE_TELEGRAM_ENABLED: "false",
    },
    { startTimeoutMs: 120_000 },
  );
  kernels.push(kernel);
  return kernel;
}

async function stateOf(kernel: ServerProcess, token: string, name: string): Promise<string> {
  const response = await fetch(`${kernel.base}/api/kernel/plugins`, {
    headers: { authorization: `Bearer ${token}` },
  });
  const body = (await response.json()) as { items: Array<{ name: string; state: string }> };
  return body.items.find((item) => item.name === name)?.state ?? "absent";
}

async function act(kernel: ServerProcess, token: string, name: string, action: string) {
  const response = await fetch(`${kernel.base}/api/kernel/plugins/${name}/${action}`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}` },
  });
  expect(response.status, await response.clone().text()).toBe(200);
}

// A bound, not a measure: a sync round is 300 ms, but under a loaded CI run (two
// cores, the whole suite in parallel) B once took longer than 15 s to log the reload.
const FOLLOW_WITHIN_MS = 60_000;

const followed = (message: string) => (line: Record<string, unknown>) =>
  line.msg === message && line.plugin === "reports";

describe("kernels sharing a database follow each other's plugin changes", () => {
  it("disable, enable and reload through one kernel reach the other, once", async () => {
    const a = await start();
    const b = await start();
    const token = await a.login();
    expect(await stateOf(b, token, "reports")).toBe("enabled");

    await act(a, token, "reports", "disable");
    await waitFor(
      async () => (await stateOf(b, token, "reports")) === "disabled",
      "reports disabled on B",
      FOLLOW_WITHIN_MS,
    );
    const onB = await fetch(`${b.base}/api/reports/companies`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(onB.status).toBeGreaterThanOrEqual(400);

    await act(b, token, "reports", "enable");
    await waitFor(
      async () => (await stateOf(a, token, "reports")) === "enabled",
      "reports enabled on A",
      FOLLOW_WITHIN_MS,
    );

    await act(a, token, "reports", "reload");
    await b.waitForLine(
      followed("Plugin reloaded on another kernel: reloaded here too"),
      FOLLOW_WITHIN_MS,
    );

    // Each kernel applied only the other's changes: A followed B's enable, B followed
    // A's disable and reload; none of its own came back to it.
    expect(
      a.lines.filter(followed("Plugin disabled on another kernel: disabled here too")),
    ).toHaveLength(0);
    expect(
      a.lines.filter(followed("Plugin enabled on another kernel: enabled here too")),
    ).toHaveLength(1);
    expect(
      b.lines.filter(followed("Plugin disabled on another kernel: disabled here too")),
    ).toHaveLength(1);
    expect(
      b.lines.filter(followed("Plugin enabled on another kernel: enabled here too")),
    ).toHaveLength(0);
    expect(
      a.lines.filter(followed("Plugin reloaded on another kernel: reloaded here too")),
    ).toHaveLength(0);
  }, 240_000);
});
