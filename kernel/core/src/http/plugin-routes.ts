/**
 * Mounts a plugin instance's route folder (with @fastify/autoload) under its prefix,
 * in its own encapsulated context. The same function probes a new instance on a
 * scratch Fastify before it goes live, so a plugin whose routes fail to load is
 * refused without touching the running generation.
 */
import autoload from "@fastify/autoload";
import Fastify, { type FastifyInstance } from "fastify";
import type { PluginInstance } from "../plugins/plugin-instance.js";
import { accessOf } from "./access-control.js";

export async function registerPluginRoutes(
  app: FastifyInstance,
  instance: PluginInstance,
): Promise<void> {
  const dir = instance.routesDir;
  if (!dir) return;
  await app.register(
    async (scope) => {
      scope.addHook("onRoute", (route) => {
        accessOf(route);
      });
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
