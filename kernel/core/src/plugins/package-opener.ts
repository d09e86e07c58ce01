/**
 * The kernel's `openPackage` (ADR 0023), bound to its settings: the trusted keys of
 * PLUGIN_TRUSTED_KEYS, a signature required in production, the size limit.
 */
import type { KernelSettings } from "../config/settings.js";
import type { PackageOpener } from "./package-installer.js";

export function openPackageFor(_settings: KernelSettings): PackageOpener {
  return async () => {
    throw new Error("plugin packages: waiting for s9-pack");
  };
}
