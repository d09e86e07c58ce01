// Runs the built server as a user would (node dist/main.js) and stops it with a
// signal while a request is in flight: the request completes and the exit code is 0.
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { FIXTURE_PLUGINS, REPO_ROOT } from "./helpers/test-kernel.js";

const MAIN = fileURLToPath(new URL("../dist/main.js", import.meta.url));
const dataDir = mkdtempSync(path.join(os.tmpdir(), "roa2web-shutdown-"));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe("the server process", () => {
  it("drains an in-flight request on SIGTERM, stops plugins and exits 0", async () => {
    expect(existsSync(MAIN), "build first: pnpm build (pnpm test does)").toBe(true);
    const child = spawn(process.execPath, [MAIN], {
      cwd: REPO_ROOT,
      env: {
        ...process.env,
        ROA2WEB_ENV: "development",
        LOG_PRETTY: "false",
        PORT: "0",
        DATA_DIR: dataDir,
        PLUGINS_WORKSPACE_DIR: FIXTURE_PLUGINS,
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const lines: Array<Record<string, unknown>> = [];
    let buffer = "";
    child.stdout.on("data", (chunk: Buffer) => {
      buffer += chunk.toString();
      let newline = buffer.indexOf("\n");
      while (newline >= 0) {
        const line = buffer.slice(0, newline);
        buffer = buffer.slice(newline + 1);
        try {
          lines.push(JSON.parse(line));
        } catch {
          // not JSON (a warning from Node): ignore
        }
        newline = buffer.indexOf("\n");
      }
    });
    const exited = new Promise<number | null>((resolve) =>
      child.on("exit", (code) => resolve(code)),
    );
    const deadline = Date.now() + 20_000;
    let port: number | undefined;
    while (!port && Date.now() < deadline) {
      port = lines.find((line) => line.msg?.toString().startsWith("Listening on"))?.port as
        | number
        | undefined;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(port, JSON.stringify(lines.slice(-5))).toBeDefined();
    const base = `http://127.0.0.1:${port}`;
    const login = await fetch(`${base}/api/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ username: "demo", password: "demo" }),
    });
    const { access_token: token } = (await login.json()) as { access_token: string };
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
