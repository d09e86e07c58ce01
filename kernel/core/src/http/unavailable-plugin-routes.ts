/**
 * The prefix of a plugin that should run but failed answers 503 `PLUGIN_FAILED` with
 * the failing step and reason, instead of the 404 of a plugin that is off: a caller can
 * tell "broken, an administrator can see why" from "not here".
 */
import { RoaError } from "@roa2web/plugin-sdk";
import type { FastifyInstance } from "fastify";
import type { UnavailablePlugin } from "../plugins/plugin-manager.js";

export function registerUnavailablePluginRoutes(
  app: FastifyInstance,
  unavailable: readonly UnavailablePlugin[],
): void {
  for (const { name, prefix, failure } of unavailable) {
    const handler = async () => {
      throw new RoaError(
        "PLUGIN_FAILED",
        503,
        `The plugin "${name}" is not running: it failed while at step "${failure.step}"`,
        { details: { plugin: name, step: failure.step, reason: failure.message, at: failure.at } },
      );
    };
    const options = { config: { access: "public" }, schema: { hide: true } } as const;
    app.all(prefix, options, handler);
    app.all(`${prefix}/*`, options, handler);
  }
}
