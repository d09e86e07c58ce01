/**
 * Reads and checks a plugin package's static manifest (package.json → `roa2web`)
 * before any of its code runs: a bad manifest or an unsupported kernel range is
 * refused with a message that says what to fix.
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import type { ResolvedPluginManifest } from "@roa2web/plugin-sdk";
import { Ajv } from "ajv";
import semver from "semver";

/** Prefixes the kernel owns; a plugin may not mount under them. */
export const RESERVED_PREFIXES = [
  "/api/auth",
  "/api/kernel",
  "/api/companies",
  "/api/calendar",
  "/api/docs",
  "/health",
];

/** Service and event ids: `<plugin>.<name>`, lower-case words joined by dashes. */
const CONTRACT_ID = "^[a-z][a-z0-9]*(-[a-z0-9]+)*(\\.[a-z][a-z0-9]*(-[a-z0-9]+)*)+$";

const NPM_NAME = {
  type: "string",
  pattern: "^(@[a-z0-9][a-z0-9._-]*/)?[a-z0-9][a-z0-9._-]*$",
} as const;

const manifestSchema = {
  type: "object",
  required: ["name", "entry", "kernel", "prefix", "permissions"],
  additionalProperties: false,
  properties: {
    name: { type: "string", pattern: "^[a-z][a-z0-9]*(-[a-z0-9]+)*$", maxLength: 40 },
    displayName: { type: "string", maxLength: 80 },
    description: { type: "string", maxLength: 500 },
    entry: { type: "string", minLength: 1 },
    kernel: { type: "string", minLength: 1 },
    prefix: { type: "string", pattern: "^/api/[a-z0-9-]+(/[a-z0-9-]+)*$" },
    permissions: {
      type: "object",
      propertyNames: { pattern: "^[a-z0-9][a-z0-9-]*:[a-z0-9][a-z0-9-]*$" },
      additionalProperties: { type: "string" },
    },
    ui: {
      type: "object",
      required: ["tag", "module"],
      additionalProperties: false,
      properties: {
        tag: { type: "string", pattern: "^[a-z][a-z0-9]*(-[a-z0-9]+)+$" },
        module: { type: "string", minLength: 1 },
        titles: {
          type: "object",
          propertyNames: { pattern: "^[a-z]{2}$" },
          additionalProperties: { type: "string", minLength: 1, maxLength: 80 },
        },
        descriptions: {
          type: "object",
          propertyNames: { pattern: "^[a-z]{2}$" },
          additionalProperties: { type: "string", maxLength: 500 },
        },
        permission: { type: "string", minLength: 1 },
      },
    },
    enabledByDefault: { type: "boolean" },
    // npm packages the plugin ships as installed instead of bundled (ADR 0023): with native
    // code (anything else native is refused), or reading their own files at run time.
    native: { type: "array", uniqueItems: true, items: NPM_NAME },
    unbundled: { type: "array", uniqueItems: true, items: NPM_NAME },
    provides: {
      type: "object",
      propertyNames: { pattern: CONTRACT_ID },
      additionalProperties: { type: "string", pattern: "^\\d+\\.\\d+\\.\\d+$" },
    },
    consumes: {
      type: "object",
      propertyNames: { pattern: CONTRACT_ID },
      additionalProperties: { type: "string", minLength: 1 },
    },
    emits: { type: "array", uniqueItems: true, items: { type: "string", pattern: CONTRACT_ID } },
    subscribes: {
      type: "array",
      uniqueItems: true,
      items: { type: "string", pattern: CONTRACT_ID },
    },
  },
} as const;

const ajv = new Ajv({ allErrors: true });
const validateManifest = ajv.compile(manifestSchema);

export class ManifestError extends Error {
  constructor(
    readonly pluginRoot: string,
    message: string,
    readonly pluginName?: string,
  ) {
    super(message);
    this.name = "ManifestError";
  }
}

export function readManifest(root: string, kernelVersion: string): ResolvedPluginManifest {
  const packageFile = path.join(root, "package.json");
  let pkg: { name?: unknown; version?: unknown; roa2web?: unknown };
  try {
    pkg = JSON.parse(readFileSync(packageFile, "utf8"));
  } catch (error) {
    throw new ManifestError(root, `package.json cannot be read: ${(error as Error).message}`);
  }
  const guessName = (pkg.roa2web as { name?: unknown } | undefined)?.name;
  const name = typeof guessName === "string" ? guessName : undefined;
  if (
    typeof pkg.name !== "string" ||
    typeof pkg.version !== "string" ||
    !semver.valid(pkg.version)
  ) {
    throw new ManifestError(root, "package.json needs a name and a semver version", name);
  }
  if (!validateManifest(pkg.roa2web)) {
    const problems = (validateManifest.errors ?? [])
      .map((error) => `roa2web${error.instancePath.replace(/\//g, ".")} ${error.message}`)
      .join("; ");
    throw new ManifestError(root, `invalid manifest: ${problems}`, name);
  }
  const manifest = pkg.roa2web as unknown as Omit<
    ResolvedPluginManifest,
    "version" | "packageName" | "root"
  >;
  if (!semver.validRange(manifest.kernel)) {
    throw new ManifestError(
      root,
      `roa2web.kernel "${manifest.kernel}" is not a semver range`,
      manifest.name,
    );
  }
  if (!semver.satisfies(kernelVersion, manifest.kernel, { includePrerelease: true })) {
    throw new ManifestError(
      root,
      `needs kernel ${manifest.kernel}, but this kernel is ${kernelVersion}`,
      manifest.name,
    );
  }
  if (
    RESERVED_PREFIXES.some(
      (reserved) => manifest.prefix === reserved || manifest.prefix.startsWith(`${reserved}/`),
    )
  ) {
    throw new ManifestError(root, `prefix ${manifest.prefix} belongs to the kernel`, manifest.name);
  }
  for (const permission of Object.keys(manifest.permissions)) {
    if (!permission.startsWith(`${manifest.name}:`)) {
      throw new ManifestError(
        root,
        `permission ${permission} must start with "${manifest.name}:"`,
        manifest.name,
      );
    }
  }
  if (manifest.ui?.permission !== undefined && !(manifest.ui.permission in manifest.permissions)) {
    throw new ManifestError(
      root,
      `ui.permission ${manifest.ui.permission} is not one of the plugin's permissions`,
      manifest.name,
    );
  }
  if (manifest.ui && !manifest.ui.tag.startsWith(`${manifest.name}-`)) {
    throw new ManifestError(
      root,
      `UI tag <${manifest.ui.tag}> must start with "${manifest.name}-"`,
      manifest.name,
    );
  }
  checkContracts(root, manifest);
  const entry = path.resolve(root, manifest.entry);
  if (!entry.startsWith(root + path.sep))
    throw new ManifestError(root, "entry must be inside the package", manifest.name);
  if (!existsSync(entry)) {
    throw new ManifestError(
      root,
      `entry ${manifest.entry} does not exist (is the plugin built?)`,
      manifest.name,
    );
  }
  if (manifest.ui) {
    const uiModule = path.resolve(root, manifest.ui.module);
    if (!uiModule.startsWith(root + path.sep))
      throw new ManifestError(root, "ui.module must be inside the package", manifest.name);
    if (!existsSync(uiModule)) {
      throw new ManifestError(
        root,
        `ui.module ${manifest.ui.module} does not exist (is the UI built?)`,
        manifest.name,
      );
    }
  }
  return { ...manifest, version: pkg.version, packageName: pkg.name, root };
}

/** A plugin provides and emits only under its own name; consumed ranges are semver ranges. */
function checkContracts(
  root: string,
  manifest: Omit<ResolvedPluginManifest, "version" | "packageName" | "root">,
): void {
  const own = `${manifest.name}.`;
  for (const id of Object.keys(manifest.provides ?? {})) {
    if (!id.startsWith(own)) {
      throw new ManifestError(
        root,
        `provides "${id}": a plugin may only provide services named "${own}*"`,
        manifest.name,
      );
    }
  }
  for (const id of manifest.emits ?? []) {
    if (!id.startsWith(own)) {
      throw new ManifestError(
        root,
        `emits "${id}": a plugin may only emit events named "${own}*"`,
        manifest.name,
      );
    }
  }
  for (const [id, range] of Object.entries(manifest.consumes ?? {})) {
    if (id.startsWith(own)) {
      throw new ManifestError(root, `consumes "${id}", which is its own service`, manifest.name);
    }
    if (!semver.validRange(range)) {
      throw new ManifestError(
        root,
        `consumes "${id}": "${range}" is not a semver range (write "^1.0.0")`,
        manifest.name,
      );
    }
  }
}
