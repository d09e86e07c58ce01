/**
 * The supervisor (ADR 0025): the process systemd, the Windows service and `pnpm start`
 * run. Plain Node — no Fastify, no plugin code — so it stays small and never needs
 * replacing. It binds the listening socket once and runs one kernel process at a time,
 * two during a hand-over:
 *
 *   fork the new kernel → it boots fully and reports `ready` with its plugins →
 *   commit (the new kernel listens on the same socket) or abort (it is stopped; the old
 *   one never noticed) → the old kernel stops accepting, passes its keep-alive
 *   connections on as they fall idle, finishes its requests, stops its plugins, exits.
 *
 * Triggers: SIGHUP (not on Windows), and a kernel asking over IPC (`POST
 * /api/kernel/handover`, a plugin reload). A kernel that dies is restarted with
 * backoff; one that cannot start at all ends the supervisor with its exit code.
 */
import { type ChildProcess, fork } from "node:child_process";
import { lookup } from "node:dns/promises";
import net from "node:net";
import { fileURLToPath } from "node:url";
import { getSystemErrorName } from "node:util";
import { loadConfig } from "../config/load-config.js";
import { ConfigError } from "../config/parse.js";
import type { KernelSettings } from "../config/settings.js";
import {
  type ChildMessage,
  GENERATION_VARIABLE,
  type HandOverRequest,
  type HandOverResult,
  type ReportedPlugin,
  type SupervisorMessage,
} from "./protocol.js";

/**
 * Every kernel process runs the built entry point beside this module (dist/main.js),
 * also when the supervisor was started through scripts/start.mjs.
 */
const MAIN = fileURLToPath(new URL("./main.js", import.meta.url));

/** A kernel that has not reported `ready` by then is stopped (a hand-over aborts). */
const BOOT_TIMEOUT_MS = 120_000;
/** Restarts of a crashed kernel: backoff doubles from the first, up to the last. */
const RESTART_BACKOFF_MS = [500, 1_000, 2_000, 5_000, 10_000];
/** More crashes than this within the window and the supervisor gives up (exit 1). */
const MAX_CRASHES = 5;
const CRASH_WINDOW_MS = 60_000;
/** How much of a kernel's stderr is kept to explain why it could not start. */
const STDERR_TAIL = 4_000;

type Level = "info" | "warn" | "error" | "fatal";
const LEVELS: Record<Level, number> = { info: 30, warn: 40, error: 50, fatal: 60 };

/** Log lines shaped like the kernel's (pino JSON, or a short line on a terminal). */
function createLog(pretty: boolean) {
  return (level: Level, fields: Record<string, unknown>, msg: string) => {
    if (pretty) {
      const time = new Date().toTimeString().slice(0, 8);
      const extra = Object.entries(fields)
        .map(
          ([key, value]) => `${key}=${typeof value === "string" ? value : JSON.stringify(value)}`,
        )
        .join(" ");
      process.stdout.write(
        `[${time}] ${level.toUpperCase()}: [supervisor] ${msg}${extra ? ` (${extra})` : ""}\n`,
      );
      return;
    }
    process.stdout.write(
      `${JSON.stringify({ level: LEVELS[level], time: Date.now(), pid: process.pid, module: "supervisor", ...fields, msg })}\n`,
    );
  };
}

type Phase = "booting" | "serving" | "draining" | "stopping";

interface KernelProcess {
  generation: number;
  child: ChildProcess;
  phase: Phase;
  stderr: string;
  ready: Promise<{ plugins: ReportedPlugin[] } | { exited: string }>;
  serving: Promise<boolean>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** The undocumented helper Node's cluster module binds shared sockets with. */
type ServerHandle = object & { getsockname(out: { port?: number }): number; close(): void };
const createServerHandle = (
  net as unknown as {
    _createServerHandle(address: string, port: number, addressType: number): ServerHandle | number;
  }
)._createServerHandle;

/**
 * Binds (without listening: the supervisor never accepts) the socket every kernel
 * process listens on. The socket outlives the kernels: a connection that arrives while
 * none accepts waits in the backlog.
 */
async function bindSocket(settings: KernelSettings): Promise<ServerHandle> {
  let address = settings.host;
  let family = net.isIP(address);
  if (family === 0) ({ address, family } = await lookup(settings.host));
  const handle = createServerHandle(address, settings.port, family);
  if (typeof handle === "number") {
    const error = new Error(
      `${getSystemErrorName(handle)}: cannot bind ${settings.host}:${settings.port}`,
    ) as NodeJS.ErrnoException;
    error.code = getSystemErrorName(handle);
    throw error;
  }
  return handle;
}

function lastLines(text: string, count = 6): string {
  return text.trim().split("\n").slice(-count).join("\n");
}

export async function runSupervisor(): Promise<void> {
  let settings: KernelSettings;
  try {
    settings = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(
        `roa2web cannot start.\n${error.message}\nSee .env.example for every setting.\n`,
      );
      process.exit(78); // EX_CONFIG
    }
    throw error;
  }
  const log = createLog(settings.log.pretty);
  let socket: ServerHandle;
  try {
    socket = await bindSocket(settings);
  } catch (error) {
    log(
      "fatal",
      { err: { message: (error as Error).message }, port: settings.port, host: settings.host },
      "Cannot listen",
    );
    process.exit(1);
  }
  const grace = settings.http.drainTimeoutMs + 10_000;
  let generations = 0;
  let current: KernelProcess | undefined;
  const live = new Set<KernelProcess>();
  let stopping = false;
  let handingOver = false;
  const crashes: number[] = [];

  function send(kernel: KernelProcess, message: SupervisorMessage, handle?: object): Promise<void> {
    return new Promise((resolve, reject) => {
      if (!kernel.child.connected) {
        reject(new Error(`kernel generation ${kernel.generation} is gone`));
        return;
      }
      kernel.child.send(message, handle as never, undefined, (error: Error | null) =>
        error ? reject(error) : resolve(),
      );
    });
  }

  /** A connection the old kernel passed on goes to the kernel serving now. */
  function forwardConnection(handle: ServerHandle): void {
    const target = current;
    if (target?.phase !== "serving") {
      handle.close();
      return;
    }
    send(target, { type: "connection" }, handle).then(
      () => handle.close(),
      () => handle.close(),
    );
  }

  function spawnKernel(): KernelProcess {
    generations += 1;
    const generation = generations;
    const child = fork(MAIN, process.argv.slice(2), {
      execArgv: process.execArgv,
      env: { ...process.env, [GENERATION_VARIABLE]: String(generation) },
      stdio: ["inherit", "inherit", "pipe", "ipc"],
    });
    let resolveReady!: (value: { plugins: ReportedPlugin[] } | { exited: string }) => void;
    let resolveServing!: (value: boolean) => void;
    const kernel: KernelProcess = {
      generation,
      child,
      phase: "booting",
      stderr: "",
      ready: new Promise((resolve) => {
        resolveReady = resolve;
      }),
      serving: new Promise((resolve) => {
        resolveServing = resolve;
      }),
      exited: new Promise((resolve) =>
        child.once("exit", (code, signal) => resolve({ code, signal })),
      ),
    };
    live.add(kernel);
    child.stderr?.on("data", (chunk: Buffer) => {
      process.stderr.write(chunk);
      kernel.stderr = (kernel.stderr + chunk.toString()).slice(-STDERR_TAIL);
    });
    child.on("message", (message: ChildMessage, handle: unknown) => {
      switch (message.type) {
        case "ready":
          resolveReady({ plugins: message.plugins });
          break;
        case "serving":
          kernel.phase = "serving";
          resolveServing(true);
          break;
        case "handover":
          handOver(message.request, (result) =>
            send(kernel, { type: "handover-result", id: message.id, result }).catch(
              () => undefined,
            ),
          );
          break;
        case "connection":
          if (handle) forwardConnection(handle as ServerHandle);
          break;
      }
    });
    child.on("error", (error) =>
      log(
        "error",
        { kernelGeneration: generation, err: { message: error.message } },
        "Kernel process error",
      ),
    );
    kernel.exited.then(({ code, signal }) => {
      live.delete(kernel);
      const why =
        signal !== null ? `was killed by ${signal}` : `exited with code ${code ?? "unknown"}`;
      const tail = lastLines(kernel.stderr);
      resolveReady({ exited: `${why}${tail ? `: ${tail}` : ""}` });
      resolveServing(false);
      log(
        kernel.phase === "draining" || kernel.phase === "stopping" ? "info" : "warn",
        { kernelGeneration: generation, kernelPid: child.pid, code, signal, phase: kernel.phase },
        "Kernel process exited",
      );
      if (stopping) {
        if (live.size === 0) process.exit(0);
        return;
      }
      if (kernel === current) {
        current = undefined;
        // A hand-over under way puts its new kernel in place (or restarts on failure).
        if (!handingOver) restartAfterCrash();
      }
    });
    log("info", { kernelGeneration: generation, kernelPid: child.pid }, "Kernel process started");
    return kernel;
  }

  /** Stops a kernel (graceful, then killed after the grace period); resolves on its exit. */
  async function stopKernel(kernel: KernelProcess): Promise<void> {
    if (kernel.phase !== "draining") kernel.phase = "stopping";
    await send(kernel, { type: "stop" }).catch(() => kernel.child.kill("SIGTERM"));
    const timer = setTimeout(() => kernel.child.kill("SIGKILL"), grace);
    await kernel.exited;
    clearTimeout(timer);
  }

  /** Makes a ready kernel accept on the socket; false if it died first. */
  async function commit(kernel: KernelProcess): Promise<boolean> {
    await send(kernel, { type: "listen" }, socket).catch(() => undefined);
    return kernel.serving;
  }

  /** Starts a kernel and waits until it serves; the reason it did not, otherwise. */
  async function startServing(): Promise<
    { kernel: KernelProcess } | { reason: string; code: number | null }
  > {
    const kernel = spawnKernel();
    const ready = await kernel.ready;
    if ("exited" in ready) return { reason: ready.exited, code: (await kernel.exited).code };
    if (!(await commit(kernel))) {
      return { reason: "it exited before it could listen", code: (await kernel.exited).code };
    }
    return { kernel };
  }

  function restartAfterCrash(): void {
    const now = Date.now();
    crashes.push(now);
    while (crashes.length > 0 && (crashes[0] as number) < now - CRASH_WINDOW_MS) crashes.shift();
    if (crashes.length > MAX_CRASHES) {
      log(
        "fatal",
        { crashes: crashes.length, windowMs: CRASH_WINDOW_MS },
        "The kernel keeps dying; giving up",
      );
      stopping = true;
      process.exit(1);
    }
    const delay =
      RESTART_BACKOFF_MS[Math.min(crashes.length, RESTART_BACKOFF_MS.length) - 1] ?? 10_000;
    log("warn", { delayMs: delay, crashes: crashes.length }, "Restarting the kernel");
    setTimeout(async () => {
      if (stopping || current || handingOver) return;
      const started = await startServing();
      if ("kernel" in started) {
        current = started.kernel;
        log(
          "info",
          { kernelGeneration: current.generation, kernelPid: current.child.pid },
          "Kernel restarted and serving",
        );
      } else if (!stopping && !current && !handingOver) {
        restartAfterCrash();
      }
    }, delay);
  }

  // Hand-overs run one at a time; the next starts once the previous old kernel exited,
  // so at most two kernels hold memory.
  let queue: Promise<unknown> = Promise.resolve();
  let lastDrain: Promise<unknown> = Promise.resolve();
  function handOver(
    request: HandOverRequest,
    answer?: (result: HandOverResult) => unknown,
  ): Promise<HandOverResult> {
    const run = async (): Promise<HandOverResult> => {
      await lastDrain;
      const started = performance.now();
      const refuse = (reason: string): HandOverResult => {
        log(
          "warn",
          { reason: request.reason, why: reason },
          "Hand-over aborted; the running kernel stays",
        );
        return { ok: false, reason };
      };
      if (stopping) return refuse("The server is stopping");
      handingOver = true;
      try {
        const kernel = spawnKernel();
        log(
          "info",
          { kernelGeneration: kernel.generation, reason: request.reason },
          "Hand-over started",
        );
        let timer: NodeJS.Timeout | undefined;
        const ready = await Promise.race([
          kernel.ready,
          new Promise<{ exited: string }>((resolve) => {
            timer = setTimeout(
              () => resolve({ exited: `was not ready within ${BOOT_TIMEOUT_MS / 1000} s` }),
              BOOT_TIMEOUT_MS,
            );
          }),
        ]);
        clearTimeout(timer);
        if ("exited" in ready) {
          await stopKernel(kernel);
          return refuse(`The new kernel (generation ${kernel.generation}) ${ready.exited}`);
        }
        const { expect } = request;
        if (expect) {
          const plugin = ready.plugins.find((entry) => entry.name === expect.plugin);
          const problem =
            plugin === undefined
              ? `has no plugin "${expect.plugin}"`
              : plugin.state !== "enabled"
                ? `has plugin "${expect.plugin}" ${plugin.state}${plugin.failure?.message ? `: ${plugin.failure.message}` : ""}`
                : expect.version !== undefined && plugin.version !== expect.version
                  ? `has plugin "${expect.plugin}" at version ${plugin.version}, not ${expect.version}`
                  : undefined;
          if (problem) {
            await stopKernel(kernel);
            return refuse(`The new kernel ${problem}`);
          }
        }
        if (stopping || !(await commit(kernel))) {
          await stopKernel(kernel);
          return refuse(
            `The new kernel (generation ${kernel.generation}) stopped before it could listen`,
          );
        }
        const previous = current;
        current = kernel;
        const ms = Math.round(performance.now() - started);
        const result: HandOverResult = {
          ok: true,
          generation: kernel.generation,
          ms,
          plugins: ready.plugins,
        };
        log(
          "info",
          {
            kernelGeneration: kernel.generation,
            kernelPid: kernel.child.pid,
            previousGeneration: previous?.generation,
            previousPid: previous?.child.pid,
            reason: request.reason,
            ms,
          },
          "Hand-over committed: the new kernel serves",
        );
        await answer?.(result);
        if (previous) {
          previous.phase = "draining";
          lastDrain = previous.exited;
          send(previous, { type: "drain", generation: kernel.generation }).catch(() =>
            previous.child.kill("SIGTERM"),
          );
          const timer = setTimeout(() => previous.child.kill("SIGKILL"), grace * 2);
          previous.exited.then(() => clearTimeout(timer));
        }
        return result;
      } finally {
        handingOver = false;
        if (!current && !stopping) restartAfterCrash();
      }
    };
    const outcome = queue.then(run, run);
    queue = outcome.catch(() => undefined);
    if (answer) {
      // Refusals are answered here; a commit answered the old kernel before it drained.
      outcome.then(
        (result) => (result.ok ? undefined : answer(result)),
        (error: Error) => answer({ ok: false, reason: error.message }),
      );
    }
    return outcome;
  }

  function shutdown(signal: NodeJS.Signals): void {
    if (stopping) {
      log("warn", { signal }, "Second stop signal: ending at once");
      for (const kernel of live) kernel.child.kill("SIGKILL");
      process.exit(1);
    }
    stopping = true;
    log("info", { signal }, "Stop requested");
    if (live.size === 0) process.exit(0);
    for (const kernel of live) {
      if (kernel.phase !== "draining") stopKernel(kernel).catch(() => undefined);
    }
  }
  process.on("SIGTERM", shutdown);
  process.on("SIGINT", shutdown);

  const first = await startServing();
  if ("reason" in first) {
    // The kernel's own stderr (already shown) says why; its exit code is ours (78: a setting).
    log("fatal", { why: first.reason }, "The first kernel could not start");
    process.exit(first.code ?? 1);
  }
  current = first.kernel;
  // Windows has no SIGHUP: POST /api/kernel/handover does the same there (ADR 0025).
  if (process.platform !== "win32") {
    process.on("SIGHUP", () => {
      handOver({ reason: "SIGHUP" }).catch(() => undefined);
    });
  }
  const address: { port?: number } = {};
  socket.getsockname(address);
  log(
    "info",
    { kernelGeneration: current.generation, kernelPid: current.child.pid, port: address.port },
    "Supervisor running: the kernel serves",
  );
}
