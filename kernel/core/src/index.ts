/**
 * @roa2web/kernel — the host process. Embedders and tests use `loadConfig` and
 * `createKernel`; plugins never import this package (they use @roa2web/plugin-sdk).
 */

export { findProjectRoot, type LoadConfigOptions, loadConfig } from "./config/load-config.js";
export { ConfigError } from "./config/parse.js";
export type { Environment, KernelSettings } from "./config/settings.js";
export { createKernel, type Kernel, type KernelOptions } from "./kernel.js";
export * from "./packages/index.js";
export type { PluginRecord, PluginState } from "./plugins/plugin-manager.js";
export { KERNEL_VERSION } from "./version.js";
