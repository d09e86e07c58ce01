#!/usr/bin/env node
/**
 * The roa2web server: `node kernel/core/dist/main.js` (what `pnpm start` and the
 * services run), `node kernel/core/dist/main.js users …` to manage local users, and
 * `node kernel/core/dist/main.js plugin …` to pack, sign, verify and install plugin packages,
 * and `node kernel/core/dist/main.js db copy-to-postgres` to move an embedded install onto
 * PostgreSQL.
 *
 * By default this process is the supervisor (ADR 0025): it binds the port and runs one
 * kernel process at a time, handing the socket over to a fresh one on SIGHUP, on
 * `POST /api/kernel/handover` and on a plugin reload. `ROA2WEB_SUPERVISOR=off` runs the
 * kernel in this process, as before. Each mode is imported on its own, so the
 * supervisor never loads Fastify or plugin code.
 */
import { GENERATION_VARIABLE, SUPERVISOR_VARIABLE } from "./supervisor/protocol.js";

const generation = Number(process.env[GENERATION_VARIABLE]);
if (process.argv[2] === "plugin") {
  // Packing and signing need no server configuration: dispatched before it is read.
  const { runPluginCommand } = await import("./cli/plugin-command.js");
  process.exit(await runPluginCommand(process.argv.slice(3)));
} else if (
  process.argv[2] === "users" ||
  process.argv[2] === "db" ||
  process.env[SUPERVISOR_VARIABLE] === "off"
) {
  const { runKernel } = await import("./kernel-main.js");
  await runKernel(undefined);
} else if (Number.isInteger(generation) && generation > 0 && process.send !== undefined) {
  const { runKernel } = await import("./kernel-main.js");
  await runKernel(generation);
} else {
  const { runSupervisor } = await import("./supervisor/supervisor.js");
  await runSupervisor();
}
