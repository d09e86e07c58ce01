/**
 * Everything the kernel checks about a plugin package before any of its code runs,
 * in one function and one order (ADR 0024): the archive (hashes, signature — both by
 * `openPackage`), trust in production, the manifest, the kernel range, the name and
 * mount points against the plugins already here, the version against the installed
 * one. Each refusal is a 4xx with a code and a message that says what to do.
 */
import type { ResolvedPluginManifest } from "@roa2web/plugin-sdk";
import { RoaError } from "@roa2web/plugin-sdk";
import semver from "semver";
import { contractProblemsOf } from "./contract-problems.js";
import type { InstalledPackage } from "./package-store.js";
import type { PluginRecord } from "./plugin-manager.js";

/** What the installer needs of an opened package (s9-pack's `OpenedPackage`, ADR 0023). */
export interface OpenedPluginPackage {
  name: string;
  version: string;
  manifest: ResolvedPluginManifest;
  signature: { keyId: string; trusted: boolean } | undefined;
  warnings: string[];
  extractTo(dir: string): Promise<void>;
  dispose(): Promise<void>;
}

export class PackageRefusedError extends RoaError {
  constructor(
    code: string,
    statusCode: number,
    message: string,
    details?: Record<string, unknown>,
  ) {
    super(code, statusCode, message, { details });
    this.name = "PackageRefusedError";
  }
}

export type InstallKind = "install" | "upgrade" | "downgrade" | "rollback";

export interface VerifiedPackage {
  kind: InstallKind;
  name: string;
  version: string;
  /** The version serving before, if any. */
  previousVersion: string | undefined;
  /** Permissions this version declares that the one before did not (none granted to anyone). */
  newPermissions: Record<string, string>;
  /** Unsigned or untrusted in development, and contract ranges nothing here satisfies. */
  warnings: string[];
  /** What `contractProblems` will say once this version is in (warnings, not refusals). */
  contractProblems: string[];
}

export interface VerificationContext {
  production: boolean;
  kernelVersion: string;
  /** The plugins this kernel knows now. */
  plugins: readonly PluginRecord[];
  /** Why a manifest cannot join the others (name, prefix, UI tag), ignoring the plugin it replaces. */
  clashOf(manifest: ResolvedPluginManifest, except: string): string | undefined;
  /** The package's versions on record (any status). */
  installed: readonly InstalledPackage[];
  /** The archive's SHA-256, to tell a rollback to a kept version from a different build. */
  sha256: string;
  force: boolean;
}

export function verifyPackage(
  opened: OpenedPluginPackage,
  context: VerificationContext,
): VerifiedPackage {
  const { manifest, name, version } = opened;
  const warnings = [...opened.warnings];
  if (context.production && !opened.signature?.trusted) {
    // openPackage with requireSignature refuses these already; said again so that no
    // opener can let an untrusted package through in production.
    throw new PackageRefusedError(
      opened.signature ? "PACKAGE_UNTRUSTED_KEY" : "PACKAGE_UNSIGNED",
      403,
      opened.signature
        ? `Package ${name}@${version} is signed by key ${opened.signature.keyId}, which is not in PLUGIN_TRUSTED_KEYS: production installs only packages signed by a trusted key (add its public key, or sign with one that is)`
        : `Package ${name}@${version} is not signed: production installs only packages signed by a key in PLUGIN_TRUSTED_KEYS (sign it with \`roa2web plugin sign\`)`,
      { keyId: opened.signature?.keyId },
    );
  }
  // openPackage's warnings already say "unsigned" or "not trusted" outside production.
  if (manifest.name !== name || manifest.version !== version) {
    throw new PackageRefusedError(
      "PACKAGE_BAD_MANIFEST",
      400,
      `The package index says ${name}@${version} but its manifest says ${manifest.name}@${manifest.version}: pack it again`,
    );
  }
  if (!semver.satisfies(context.kernelVersion, manifest.kernel, { includePrerelease: true })) {
    throw new PackageRefusedError(
      "PACKAGE_KERNEL_MISMATCH",
      422,
      `${name}@${version} needs kernel ${manifest.kernel}, but this kernel is ${context.kernelVersion}: install a version of the plugin built for this kernel`,
      { needs: manifest.kernel, kernel: context.kernelVersion },
    );
  }
  const current = context.plugins.find((record) => record.name === name);
  if (current && current.source !== "package") {
    throw new PackageRefusedError(
      "PACKAGE_NAME_TAKEN",
      409,
      `A plugin named "${name}" is already here from ${current.source === "workspace" ? "the workspace" : "PLUGINS_DIR"} (${current.root}): a package cannot replace it; remove that folder first or rename the package`,
      { plugin: name, source: current.source },
    );
  }
  const clash = context.clashOf(manifest, name);
  if (clash) {
    throw new PackageRefusedError(
      "PACKAGE_CLASH",
      409,
      `${name}@${version} cannot be installed: ${clash}`,
      { plugin: name },
    );
  }
  const active = context.installed.find((row) => row.status === "active");
  const kept = context.installed.find((row) => row.version === version && row.status !== "failed");
  if (active?.version === version) {
    throw new PackageRefusedError(
      "PACKAGE_ALREADY_INSTALLED",
      409,
      `${name}@${version} is already installed and active: give the new build a new version`,
      { plugin: name, version },
    );
  }
  if (kept && kept.sha256 !== context.sha256) {
    throw new PackageRefusedError(
      "PACKAGE_ALREADY_INSTALLED",
      409,
      `${name}@${version} was installed before from a different archive (kept for rollback): give the new build a new version`,
      { plugin: name, version },
    );
  }
  let kind: InstallKind = "install";
  if (active) {
    if (semver.lt(version, active.version)) {
      if (!context.force) {
        throw new PackageRefusedError(
          "PACKAGE_DOWNGRADE",
          409,
          `${name}@${version} is older than the installed ${active.version}: a downgrade runs old code over data the newer version may have migrated; send force=true (--force) if you mean it`,
          { plugin: name, version, installed: active.version },
        );
      }
      kind = kept ? "rollback" : "downgrade";
    } else {
      kind = "upgrade";
    }
  }
  const before = current?.manifest?.permissions ?? {};
  const newPermissions: Record<string, string> = {};
  for (const [permission, description] of Object.entries(manifest.permissions)) {
    if (!(permission in before)) newPermissions[permission] = String(description);
  }
  const others = context.plugins
    .filter((record) => record.name !== name)
    .flatMap((record) => (record.manifest ? [record.manifest] : []));
  // Its own unmet needs, and what it breaks for others (a provider's new major).
  const known = new Set(
    contractProblemsOf(
      context.plugins.flatMap((record) => (record.manifest ? [record.manifest] : [])),
    ).map((problem) => `${problem.plugin} ${problem.problem}`),
  );
  const contractProblems = contractProblemsOf([...others, manifest])
    .filter(
      (problem) => problem.plugin === name || !known.has(`${problem.plugin} ${problem.problem}`),
    )
    .map((problem) =>
      problem.plugin === name ? problem.problem : `plugin "${problem.plugin}" ${problem.problem}`,
    );
  for (const problem of contractProblems) warnings.push(problem);
  return {
    kind,
    name,
    version,
    previousVersion: active?.version ?? current?.manifest?.version,
    newPermissions,
    warnings,
    contractProblems,
  };
}
