/**
 * The servers a test process started, killed when it exits however it exits: a
 * failing test must not leave a PostgreSQL or Redis listening behind it.
 */
import { type ChildProcess, type SpawnOptions, spawn } from "node:child_process";
import { rmSync } from "node:fs";
import net from "node:net";

const running = new Set<ChildProcess>();
const folders = new Set<string>();
let hooked = false;

function hookExit(): void {
  if (hooked) return;
  hooked = true;
  process.on("exit", () => {
    for (const child of running) child.kill("SIGKILL");
    for (const folder of folders) rmSync(folder, { recursive: true, force: true });
  });
}

/** Removes `folder` when the process exits (unless removed before). */
export function removeAtExit(folder: string): void {
  hookExit();
  folders.add(folder);
}

export function forgetFolder(folder: string): void {
  folders.delete(folder);
  rmSync(folder, { recursive: true, force: true });
}

export interface Started {
  child: ChildProcess;
  /** The last lines it wrote, for an error message. */
  output(): string;
  /** Resolves with the exit code (or signal) once it has exited. */
  exited: Promise<number | string>;
}

export function startProcess(command: string, args: string[], options: SpawnOptions): Started {
  hookExit();
  const child = spawn(command, args, { ...options, stdio: ["ignore", "pipe", "pipe"] });
  running.add(child);
  let tail = "";
  const keep = (chunk: Buffer) => {
    tail = (tail + chunk.toString()).slice(-4000);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  const exited = new Promise<number | string>((resolve) => {
    child.once("exit", (code, signal) => {
      running.delete(child);
      resolve(code ?? signal ?? -1);
    });
    child.once("error", (error) => {
      running.delete(child);
      tail += `\n${error.message}`;
      resolve(-1);
    });
  });
  return { child, output: () => tail, exited };
}

/** Sends `signal` and waits for the exit; SIGKILL after `graceMs`. */
export async function stopProcess(started: Started, signal: NodeJS.Signals, graceMs = 10_000) {
  if (started.child.exitCode !== null || started.child.signalCode !== null) return;
  started.child.kill(signal);
  const timer = setTimeout(() => started.child.kill("SIGKILL"), graceMs);
  try {
    await started.exited;
  } finally {
    clearTimeout(timer);
  }
}

/** A port free on loopback right now (the kernel hands out a fresh one each call). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Polls `ready` every 50 ms until it is true, the process exits, or `timeoutMs` passes. */
export async function waitUntilReady(
  what: string,
  started: Started,
  ready: () => Promise<boolean>,
  timeoutMs = 30_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exited: number | string | undefined;
  void started.exited.then((code) => {
    exited = code;
  });
  while (Date.now() < deadline) {
    if (exited !== undefined) {
      throw new Error(`${what} exited (${exited}) before it was ready:\n${started.output()}`);
    }
    if (await ready().catch(() => false)) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`${what} not ready after ${timeoutMs} ms:\n${started.output()}`);
}

/** True when something accepts a TCP connection on host:port. */
export function accepts(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}
