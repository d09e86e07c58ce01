// Runs the built server as a user would (node dist/main.js) and stops it with a
// signal while a request is in flight: the request completes and the exit code is 0.
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { startServerProcess } from "./helpers/server-process.js";
import { FIXTURE_PLUGINS } from "./helpers/test-kernel.js";

const dataDir = mkdtempSync(path.join(os.tmpdir(), "roa2web-shutdown-"));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe("the server process", () => {
  it("drains an in-flight request on SIGTERM, stops plugins and exits 0", async () => {
    const server = await startServerProcess({
      DATA_DIR: dataDir,
      PLUGINS_WORKSPACE_DIR: FIXTURE_PLUGINS,
    });
    const { child, lines, base, exited } = server;
    const token = await server.login();
    const slow = fetch(`${base}/api/good/slow?ms=700`, {
      headers: { authorization: `Bearer ${token}` },
    });
    await new Promise((resolve) => setTimeout(resolve, 150));
    child.kill("SIGTERM");
    const response = await slow;
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ done: true });
    expect(await exited).toBe(0);
    const messages = lines.map((line) => line.msg);
    expect(messages).toContain("Shutdown complete");
    expect(lines.every((line) => typeof line.module === "string")).toBe(true);
    expect(lines.some((line) => line.module === "good")).toBe(true);
    await expect(fetch(`${base}/health`)).rejects.toThrow();
  });
});
