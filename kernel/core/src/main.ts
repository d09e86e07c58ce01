#!/usr/bin/env node
/**
 * The roa2web server: `node kernel/core/dist/main.js` (what `pnpm start` runs), and
 * `node kernel/core/dist/main.js users …` to manage local users, and
 * `node kernel/core/dist/main.js plugin …` to pack, sign and verify plugin packages.
 * SIGINT/SIGTERM stop it gracefully; a second signal, or a stop that takes longer
 * than the grace period, ends it at once.
 */
import closeWithGrace from "close-with-grace";
import { runPluginCommand } from "./cli/plugin-command.js";
import { runUsersCommand } from "./cli/users-command.js";
import { loadConfig } from "./config/load-config.js";
import { ConfigError } from "./config/parse.js";
import { StorageNotWritableError } from "./database/writable-storage.js";
import { createKernel } from "./kernel.js";
import { installFaultGuard } from "./plugins/fault-guard.js";

async function main(): Promise<void> {
  // Packing and signing need no server configuration: dispatched before it is read.
  if (process.argv[2] === "plugin") process.exit(await runPluginCommand(process.argv.slice(3)));
  let settings: ReturnType<typeof loadConfig>;
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
  if (process.argv[2] === "users") {
    try {
      process.exit(await runUsersCommand(settings, process.argv.slice(3)));
    } catch (error) {
      process.stderr.write(`roa2web users: ${(error as Error).message}\n`);
      process.exit(1);
    }
  }
  let kernel: Awaited<ReturnType<typeof createKernel>>;
  try {
    kernel = await createKernel(settings);
  } catch (error) {
    // The ERP adapter's own settings are checked as it opens: reported like the kernel's.
    if (error instanceof ConfigError) {
      process.stderr.write(
        `roa2web cannot start.\n${error.message}\nSee .env.example for every setting.\n`,
      );
      process.exit(78); // EX_CONFIG
    }
    if (error instanceof StorageNotWritableError) {
      // A setting or a volume to fix, like a configuration error: the same exit code.
      process.stderr.write(`roa2web cannot start.\n${error.message}\n`);
      process.exit(78); // EX_CONFIG
    }
    throw error;
  }
  const grace = closeWithGrace(
    // Uncaught errors go to the fault guard below, not straight to a shutdown.
    {
      delay: settings.http.drainTimeoutMs + 10_000,
      skip: ["uncaughtException", "unhandledRejection"],
    },
    async ({ signal }) => {
      if (signal) kernel.logger.info({ signal }, "Stop requested");
      await kernel.stop();
    },
  );
  // A fault in one plugin's code fails that plugin; any other uncaught error stops the
  // process gracefully (exit 1), since the kernel's own state can no longer be trusted.
  let fatal = false;
  installFaultGuard({
    roots: () => kernel.plugins.list().flatMap((record) => (record.manifest ? [record] : [])),
    onPluginFault: (plugin, error, origin) => {
      kernel.plugins
        .faulted(plugin, error, origin)
        .catch((failure: unknown) =>
          kernel.logger.error({ plugin, err: failure }, "Stopping a faulty plugin failed"),
        );
    },
    onKernelFault: (error, origin) => {
      kernel.logger.fatal({ err: error, origin }, "Stopping after an uncaught error");
      if (fatal) process.exit(1);
      fatal = true;
      grace.uninstall();
      setTimeout(() => process.exit(1), settings.http.drainTimeoutMs + 10_000);
      kernel.stop().finally(() => process.exit(1));
    },
  });
  try {
    await kernel.listen();
  } catch (error) {
    kernel.logger.fatal({ err: error, port: settings.port, host: settings.host }, "Cannot listen");
    await kernel.stop();
    process.exit(1);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(
    `roa2web failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
