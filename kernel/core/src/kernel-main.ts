/**
 * One kernel in this process: unsupervised (`ROA2WEB_SUPERVISOR=off`, the `users`
 * command; the `db` command instead of a kernel), or a kernel process the supervisor
 * started (`generation` > 0), which reports `ready`, listens on the socket the
 * supervisor passes it, and on `drain` passes its connections on to its successor,
 * stops and exits (ADR 0025).
 * SIGINT/SIGTERM stop it gracefully; a second signal, or a stop that takes longer
 * than the grace period, ends it at once.
 */
import closeWithGrace from "close-with-grace";
import { runUsersCommand } from "./cli/users-command.js";
import { loadConfig } from "./config/load-config.js";
import { ConfigError } from "./config/parse.js";
import { DatabaseUnavailableError } from "./database/open-data-source.js";
import { StorageNotWritableError } from "./database/writable-storage.js";
import { pluginViews } from "./http/routes/plugin-admin-routes.js";
import { createKernel, type Kernel } from "./kernel.js";
import { createLogger } from "./logging/create-logger.js";
import { installFaultGuard } from "./plugins/fault-guard.js";
import type {
  ChildMessage,
  HandOverResult,
  KernelSupervisor,
  SupervisorMessage,
} from "./supervisor/protocol.js";

function send(message: ChildMessage, handle?: object): Promise<void> {
  return new Promise((resolve, reject) => {
    if (!process.send || !process.connected) {
      reject(new Error("The supervisor is gone"));
      return;
    }
    process.send(message, handle as never, undefined, (error: Error | null) =>
      error ? reject(error) : resolve(),
    );
  });
}

/** The supervisor as seen from a kernel process: hand-overs asked over IPC. */
function supervisorLink(generation: number): KernelSupervisor & {
  settle(id: number, result: HandOverResult): void;
  abandonAll(): void;
} {
  const pending = new Map<number, (result: HandOverResult) => void>();
  let nextId = 1;
  return {
    supervised: true,
    generation,
    handOver(request) {
      const id = nextId++;
      return new Promise((resolve) => {
        pending.set(id, resolve);
        send({ type: "handover", id, request }).catch((error: Error) => {
          pending.delete(id);
          resolve({ ok: false, reason: error.message });
        });
      });
    },
    settle(id, result) {
      pending.get(id)?.(result);
      pending.delete(id);
    },
    abandonAll() {
      for (const resolve of pending.values()) {
        resolve({ ok: false, reason: "The supervisor went away during the hand-over" });
      }
      pending.clear();
    },
  };
}

function cannotStart(message: string, hint = true, code = 78 /* EX_CONFIG */): never {
  process.stderr.write(
    `roa2web cannot start.\n${message}\n${hint ? "See .env.example for every setting.\n" : ""}`,
  );
  process.exit(code);
}

/** Runs a kernel; `generation` when the supervisor started this process. */
export async function runKernel(generation: number | undefined): Promise<void> {
  let settings: ReturnType<typeof loadConfig>;
  try {
    settings = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) cannotStart(error.message);
    throw error;
  }
  if (process.argv[2] === "db") {
    const { runDbCommand } = await import("./cli/db-command.js");
    process.exit(await runDbCommand(settings, process.argv.slice(3)));
  }
  if (process.argv[2] === "users") {
    try {
      process.exit(await runUsersCommand(settings, process.argv.slice(3)));
    } catch (error) {
      process.stderr.write(`roa2web users: ${(error as Error).message}\n`);
      process.exit(1);
    }
  }
  const link = generation === undefined ? undefined : supervisorLink(generation);
  // Every line of a supervised kernel says which process and generation wrote it.
  const logger =
    generation === undefined
      ? undefined
      : createLogger(settings).child({ kernelGeneration: generation, pid: process.pid });
  // Messages that arrive while the kernel boots wait for it.
  let kernel: Kernel | undefined;
  let stopRequested = false;
  const early: [SupervisorMessage, unknown][] = [];
  let onMessage: ((message: SupervisorMessage, handle: unknown) => void) | undefined;
  if (link) {
    process.on("message", (message: SupervisorMessage, handle: unknown) => {
      if (message.type === "handover-result") link.settle(message.id, message.result);
      else if (message.type === "stop" && kernel === undefined) stopRequested = true;
      else if (onMessage) onMessage(message, handle);
      else early.push([message, handle]);
    });
    // The supervisor died (SIGKILL, a crash): no kernel is left behind without it.
    process.on("disconnect", () => {
      link.abandonAll();
      if (kernel === undefined) process.exit(1);
      kernel.logger.warn("The supervisor is gone; stopping");
      // Nobody would kill a stop that hangs: this process must not outlive its supervisor.
      setTimeout(() => process.exit(1), settings.http.drainTimeoutMs + 10_000).unref();
      kernel.stop().finally(() => process.exit(0));
    });
  }
  try {
    kernel = await createKernel(settings, { logger, supervisor: link });
  } catch (error) {
    // The ERP adapter's own settings are checked as it opens: reported like the kernel's.
    if (error instanceof ConfigError) cannotStart(error.message);
    // A setting or a volume to fix, like a configuration error: the same exit code.
    if (error instanceof StorageNotWritableError) cannotStart(error.message, false);
    // A refused password or a missing database is a setting (78); a server down is not (1).
    if (error instanceof DatabaseUnavailableError)
      cannotStart(error.message, false, error.setting ? 78 : 1);
    throw error;
  }
  const running = kernel;
  if (stopRequested) {
    await running.stop();
    process.exit(0);
  }
  const grace = closeWithGrace(
    // Uncaught errors go to the fault guard below, not straight to a shutdown.
    {
      delay: settings.http.drainTimeoutMs + 10_000,
      skip: ["uncaughtException", "unhandledRejection"],
    },
    async ({ signal }) => {
      if (signal) running.logger.info({ signal }, "Stop requested");
      await running.stop();
    },
  );
  // A fault in one plugin's code fails that plugin; any other uncaught error stops the
  // process gracefully (exit 1), since the kernel's own state can no longer be trusted.
  let fatal = false;
  installFaultGuard({
    roots: () => running.plugins.list().flatMap((record) => (record.manifest ? [record] : [])),
    onPluginFault: (plugin, error, origin) => {
      running.plugins
        .faulted(plugin, error, origin)
        .catch((failure: unknown) =>
          running.logger.error({ plugin, err: failure }, "Stopping a faulty plugin failed"),
        );
    },
    onKernelFault: (error, origin) => {
      running.logger.fatal({ err: error, origin }, "Stopping after an uncaught error");
      if (fatal) process.exit(1);
      fatal = true;
      grace.uninstall();
      setTimeout(() => process.exit(1), settings.http.drainTimeoutMs + 10_000);
      running.stop().finally(() => process.exit(1));
    },
  });

  if (generation === undefined) {
    try {
      await running.listen();
    } catch (error) {
      running.logger.fatal(
        { err: error, port: settings.port, host: settings.host },
        "Cannot listen",
      );
      await running.stop();
      process.exit(1);
    }
    return;
  }

  const stopAndExit = () => {
    grace.uninstall();
    setTimeout(() => process.exit(0), settings.http.drainTimeoutMs + 10_000).unref();
    running.stop().finally(() => process.exit(0));
  };
  onMessage = (message, handle) => {
    switch (message.type) {
      case "listen":
        // Committed: tokens the old kernel signed out while this one booted are refused
        // from the first request on, not only at the next periodic recheck.
        running.container.cradle.accessTokens
          .recheckSessions()
          .catch((error: unknown) =>
            running.logger.error({ err: error }, "Could not re-read signed-out tokens"),
          )
          .then(() => running.listen(handle as object))
          .then((address) => send({ type: "serving", port: address.port }))
          .catch((error: unknown) => {
            running.logger.fatal({ err: error }, "Cannot listen on the supervisor's socket");
            stopAndExit();
          });
        break;
      case "connection":
        if (handle) running.switchboard.adopt(handle as object);
        break;
      case "drain": {
        const started = performance.now();
        running.logger.info(
          { successor: message.generation },
          "Replaced by a new kernel process: passing connections on, finishing requests",
        );
        grace.uninstall();
        running.switchboard
          .drain((socket) => send({ type: "connection" }, socket))
          .then((drained) => {
            running.logger.info(
              { drained, ms: Math.round(performance.now() - started) },
              "Connections passed on; stopping",
            );
            stopAndExit();
          });
        break;
      }
      case "stop":
        running.logger.info("Stop requested by the supervisor");
        stopAndExit();
        break;
    }
  };
  for (const [message, handle] of early.splice(0)) onMessage(message, handle);
  await send({
    type: "ready",
    generation,
    pid: process.pid,
    bootMs: Math.round(performance.now()),
    plugins: pluginViews(running.container.cradle),
  });
}
