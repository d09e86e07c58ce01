/**
 * Runs the built server as a user would (`node dist/main.js`: the supervisor and its
 * kernel process, unless ROA2WEB_SUPERVISOR=off) with its log as JSON lines, for tests
 * of what only a whole process shows: signals, uncaught errors, hand-overs.
 */
import { type ChildProcessByStdio, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import type { Readable } from "node:stream";
import { fileURLToPath } from "node:url";
import { REPO_ROOT } from "./test-kernel.js";

const MAIN = fileURLToPath(new URL("../../dist/main.js", import.meta.url));

export type LogLine = Record<string, unknown>;

export interface ServerProcess {
  child: ChildProcessByStdio<null, Readable, Readable>;
  /** Every JSON line the server logged so far. */
  lines: LogLine[];
  /** `http://127.0.0.1:<port>` */
  base: string;
  /** The exit code, once the process ended. */
  exited: Promise<number | null>;
  /** Resolves with the first line (seen or to come) that matches, or rejects after timeoutMs. */
  waitForLine(matches: (line: LogLine) => boolean, timeoutMs?: number): Promise<LogLine>;
  /** Signs in as demo/demo and returns the access token. */
  login(): Promise<string>;
}

export async function startServerProcess(
  env: Record<string, string>,
  options: {
    cwd?: string;
    /** How long to wait for "Listening on" (several kernels starting at once take longer). */
    startTimeoutMs?: number;
  } = {},
): Promise<ServerProcess> {
  if (!existsSync(MAIN)) throw new Error("build first: pnpm build (pnpm test does)");
  const child = spawn(process.execPath, [MAIN], {
    cwd: options.cwd ?? REPO_ROOT,
    env: { ...process.env, ROA2WEB_ENV: "development", LOG_PRETTY: "false", PORT: "0", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const lines: LogLine[] = [];
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
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  const waitForLine = async (matches: (line: LogLine) => boolean, timeoutMs = 20_000) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = lines.find(matches);
      if (found) return found;
      if (Date.now() > deadline || child.exitCode !== null)
        throw new Error(`no such log line; last lines: ${JSON.stringify(lines.slice(-5))}`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  };
  let listening: LogLine;
  try {
    listening = await waitForLine(
      (line) => String(line.msg).startsWith("Listening on"),
      // A busy machine boots the kernel in seconds; the supervisor adds a process start.
      options.startTimeoutMs ?? 60_000,
    );
  } catch (error) {
    // Never leave a server behind that the test cannot reach to stop.
    child.kill("SIGKILL");
    throw error;
  }
  const base = `http://127.0.0.1:${listening.port}`;
  const login = async () => {
    const response = await fetch(`${base}/api/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ username: "demo", password: "demo" }),
    });
    return ((await response.json()) as { access_token: string }).access_token;
  };
  return { child, lines, base, exited, waitForLine, login };
}
