/**
 * @roa2web/plugin-sdk — everything a plugin may rely on. A plugin imports this
 * package only: never the kernel's source, never another plugin.
 */
export * from "./access.js";
export * from "./auth.js";
export type * from "./cache.js";
export * from "./cached-report.js";
export type * from "./context.js";
export * from "./database.js";
export type * from "./erp.js";
export * from "./errors.js";
export * from "./event-streams.js";
export type * from "./health.js";
export type * from "./leases.js";
export type * from "./logger.js";
export * from "./manifest.js";
export * from "./pagination.js";
export * from "./permissions.js";
export * from "./plugin.js";
export type * from "./redis.js";
export * from "./refs.js";
export * from "./response-schemas.js";
export * from "./routes.js";
export type * from "./services.js";
export * from "./setting-readers.js";
export type * from "./settings.js";
export * from "./sql.js";
export * from "./text.js";
export * from "./typebox.js";
export * from "./uploads.js";

/** The plugin contract's version; bumped with the SDK package. */
export const SDK_VERSION = "0.1.0";
