/**
 * Mounts a plugin instance's route folder (with @fastify/autoload) under its prefix,
 * in its own encapsulated context. The same function probes a new instance on a
 * scratch Fastify before it goes live, so a plugin whose routes fail to load is
 * refused without touching the running generation.
 */
import autoload from "@fastify/autoload";
import multipart from "@fastify/multipart";
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from "fastify";
import type { PluginInstance } from "../plugins/plugin-instance.js";
import { accessOf } from "./access-control.js";
import { lazyChildLogger } from "./lazy-logger.js";
import { ADMIN_PERMISSION } from "./routes/plugin-admin-routes.js";

export async function registerPluginRoutes(
  app: FastifyInstance,
  instance: PluginInstance,
  /** The kernel's logger; request loggers are its children (see generation.ts). */
  rootLogger?: FastifyBaseLogger,
): Promise<void> {
  const dir = instance.routesDir;
  if (!dir) return;
  await app.register(
    async (scope) => {
      const { name, permissions } = instance.manifest;
      scope.addHook("onRoute", (route) => {
        const access = accessOf(route);
        if (access === "public" || access === "authenticated" || access === ADMIN_PERMISSION)
          return;
        if (!(access in permissions)) {
          throw new Error(
            `Route ${String(route.method)} ${route.url} requires ${access}, which the manifest of "${name}" does not declare (declared: ${Object.keys(permissions).join(", ") || "none"})`,
          );
        }
      });
      const uploads = instance.definition.uploads;
      if (uploads) {
        // Only here: its per-request hooks would otherwise cost every route (~5 µs each).
        await scope.register(multipart, {
          limits: {
            fileSize: uploads.maxFileBytes ?? 20 * 1024 * 1024,
            files: uploads.maxFiles ?? 5,
            fields: 50,
            parts: 60,
          },
        });
      }
      // Request log lines from this plugin's routes carry its name, like ctx.logger's.
      scope.setChildLoggerFactory((fastifyLogger, bindings) =>
        lazyChildLogger(rootLogger ?? fastifyLogger, name, bindings),
      );
      await scope.register(autoload, {
        dir,
        options: { plugin: instance.context },
        // Only the plugin's own compiled route modules.
        ignorePattern: /(^|[\\/])(.*\.(test|spec)\.[cm]?js|.*\.map|.*\.d\.ts)$/,
        forceESM: true,
      });
    },
    { prefix: instance.manifest.prefix },
  );
}

/** Loads the routes on a scratch instance and throws what went wrong. */
export async function probePluginRoutes(
  instance: PluginInstance,
  prepare: (app: FastifyInstance) => void,
): Promise<void> {
  const scratch = Fastify({ logger: false });
  try {
    prepare(scratch);
    await registerPluginRoutes(scratch, instance);
    await scratch.ready();
  } finally {
    await scratch.close();
  }
}
