/**
 * The kernel's `openPackage` (ADR 0023), bound to its settings: the trusted keys of
 * PLUGIN_TRUSTED_KEYS, a signature required in production, the size limit, and a
 * staging folder beside the packages folder (so unpacking is a rename).
 */
import type { KernelSettings } from "../config/settings.js";
import { openPackage, parseTrustedKey } from "../packages/index.js";
import type { PackageOpener } from "./package-installer.js";

export function openPackageFor(settings: KernelSettings): PackageOpener {
  // Malformed keys are refused at start by loadConfig; parsed once here.
  const trustedKeys = settings.plugins.trustedKeys.map((text) => parseTrustedKey(text));
  const production = settings.environment === "production";
  return (archive) =>
    openPackage(archive, {
      trustedKeys,
      requireSignature: production,
      // Uncompressed, a package may be several times its upload: the format's own cap.
      maxBytes: Math.max(settings.plugins.maxPackageBytes * 8, 256 * 1024 * 1024),
    });
}
