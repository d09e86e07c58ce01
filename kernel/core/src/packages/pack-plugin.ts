/**
 * `roa2web plugin pack`: a built plugin folder → one package archive (ADR 0023). The
 * server code is re-bundled with esbuild so the package carries its own dependencies,
 * except what the kernel provides (one copy of fastify, TypeORM, the SDK in the process);
 * the built UI, a `migrations/` folder and the README are copied as they are; packages
 * the manifest ships as installed (`native`, `unbundled`) are copied under
 * `node_modules/`, and undeclared native code is refused.
 */
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import {
  copyFile,
  mkdir,
  mkdtemp,
  readdir,
  readFile,
  realpath,
  rm,
  writeFile,
} from "node:fs/promises";
import { builtinModules } from "node:module";
import os from "node:os";
import path from "node:path";
import type { ResolvedPluginManifest } from "@roa2web/plugin-sdk";
import semver from "semver";
import { ManifestError, readManifest } from "../plugins/manifest.js";
import { KERNEL_VERSION } from "../version.js";
import { writeArchive } from "./archive.js";
import { PackageError } from "./errors.js";
import {
  currentPlatform,
  INDEX_FILE,
  PACKAGE_FORMAT,
  PACKAGE_ROOT,
  type PackageIndex,
  type PackageSignature,
  packageFileName,
  SIGNATURE_FILE,
} from "./format.js";
import { parseSigningKey, signBytes } from "./keys.js";

/**
 * Packages a plugin imports from the kernel process instead of carrying them: the SDK
 * (its references must be the kernel's), the HTTP server and the database layer (one
 * copy, the kernel's connections and entity metadata), and the native SQLite driver.
 * Each is a dependency of @roa2web/kernel, so it resolves from where the kernel runs.
 */
export const KERNEL_PROVIDED_PACKAGES: readonly string[] = [
  "@roa2web/plugin-sdk",
  "fastify",
  "fastify-plugin",
  "typeorm",
  "better-sqlite3",
  "reflect-metadata",
  "pino",
  "oracledb",
];

export interface PackPluginOptions {
  outDir: string;
  /** Signs the package as it is made (PKCS#8 PEM); otherwise it is unsigned. */
  privateKeyPem?: string;
  /** Packs under this version instead of package.json's (the dev loop's `-dev.<n>` builds). */
  version?: string;
  log?: (line: string) => void;
}

const BUILTINS = new Set(builtinModules);

export async function packPlugin(
  pluginDir: string,
  options: PackPluginOptions,
): Promise<{ file: string; index: PackageIndex }> {
  const log = options.log ?? (() => {});
  const source = path.resolve(pluginDir);
  const signingKey =
    options.privateKeyPem === undefined ? undefined : parseSigningKey(options.privateKeyPem);
  let manifest: ResolvedPluginManifest;
  try {
    manifest = readManifest(source, KERNEL_VERSION);
    if (options.version !== undefined) {
      if (!semver.valid(options.version)) {
        throw new PackageError(
          "PACKAGE_BAD_MANIFEST",
          `"${options.version}" is not a semver version`,
        );
      }
      manifest = { ...manifest, version: options.version };
    }
  } catch (error) {
    if (!(error instanceof ManifestError)) throw error;
    throw new PackageError(
      "PACKAGE_BAD_MANIFEST",
      `${source}: ${error.message} — fix package.json's roa2web manifest and build the plugin first`,
      { file: "package.json" },
    );
  }
  const pkg = JSON.parse(await readFile(path.join(source, "package.json"), "utf8")) as Record<
    string,
    unknown
  >;
  const declaredNative = manifest.native ?? [];
  const declaredUnbundled = manifest.unbundled ?? [];
  const serverRoot = manifest.entry.replace(/^\.\//, "").split("/")[0] as string;
  if (serverRoot === manifest.entry.replace(/^\.\//, "")) {
    throw new PackageError(
      "PACKAGE_BAD_MANIFEST",
      `roa2web.entry "${manifest.entry}" must be inside a build folder such as dist/ (the folder is packed)`,
      { file: "package.json" },
    );
  }
  const uiDir = manifest.ui
    ? path.posix.dirname(manifest.ui.module.replace(/^\.\//, ""))
    : undefined;

  const staging = await mkdtemp(path.join(os.tmpdir(), "roa2web-pack-"));
  const root = path.join(staging, PACKAGE_ROOT);
  try {
    await mkdir(root);
    // 1. The server folder: JavaScript to bundle, the UI and other files to copy.
    const entryPoints: string[] = [];
    for (const file of await listFiles(source, serverRoot)) {
      const inUi = uiDir !== undefined && (file === uiDir || file.startsWith(`${uiDir}/`));
      if (file.toLowerCase().endsWith(".node")) {
        throw nativeRefused(
          `${file} is a native addon`,
          "ship native code as an npm dependency named in roa2web.native",
        );
      }
      if (!inUi && /\.(m?js)$/.test(file)) entryPoints.push(path.join(source, file));
      else if (!inUi && /\.(m?js\.map|d\.m?ts|d\.m?ts\.map)$/.test(file)) {
        // Rebuilt by the bundle (maps) or of no use at run time (declarations).
      } else await copyInto(source, root, file);
    }
    if (uiDir !== undefined && !uiDir.startsWith(`${serverRoot}/`) && uiDir !== serverRoot) {
      for (const file of await listFiles(source, uiDir)) {
        if (file.toLowerCase().endsWith(".node")) {
          throw nativeRefused(`${file} is a native addon`, "a UI folder holds web files only");
        }
        await copyInto(source, root, file);
      }
    }
    // 2. Migrations kept as files, and the README.
    if (existsSync(path.join(source, "migrations"))) {
      for (const file of await listFiles(source, "migrations")) await copyInto(source, root, file);
    }
    for (const name of ["README.md", "LICENSE", "LICENSE.md"]) {
      if (existsSync(path.join(source, name))) await copyInto(source, root, name);
    }

    // 3. The server code, bundled.
    const bundle = await bundleServer(source, serverRoot, entryPoints, root, [
      ...declaredNative,
      ...declaredUnbundled,
    ]);
    log(
      `bundled ${entryPoints.length} module(s)` +
        (bundle.bundled.length > 0 ? ` with ${bundle.bundled.join(", ")}` : "") +
        `; from the kernel: ${bundle.external.join(", ") || "nothing"}`,
    );

    // 4. Packages shipped as installed, with their own dependencies.
    const installed = await copyInstalledPackages(source, root, {
      native: declaredNative,
      unbundled: declaredUnbundled,
    });
    for (const line of installed.logs) log(line);

    // 5. package.json: the plugin's, its dependencies narrowed to what stays outside.
    const { devDependencies: _dev, scripts: _scripts, ...kept } = pkg;
    const dependencies: Record<string, string> = {};
    for (const name of [...bundle.external, ...installed.native, ...installed.unbundled].sort()) {
      dependencies[name] = await dependencyRange(source, pkg, name);
    }
    await writeFile(
      path.join(root, "package.json"),
      `${JSON.stringify({ ...kept, version: manifest.version, dependencies }, null, 2)}\n`,
    );

    // 6. The index (every file's SHA-256) and the signature.
    const files: Record<string, string> = {};
    for (const file of (await listFiles(root, "")).sort()) {
      files[file] = createHash("sha256")
        .update(await readFile(path.join(root, file)))
        .digest("hex");
    }
    const index: PackageIndex = {
      format: PACKAGE_FORMAT,
      name: manifest.name,
      version: manifest.version,
      kernel: manifest.kernel,
      files,
      external: bundle.external,
      bundled: bundle.bundled,
      native: installed.native,
      unbundled: installed.unbundled,
      ...(installed.native.length > 0 ? { platform: currentPlatform() } : {}),
      createdAt: new Date().toISOString(),
    };
    const indexBytes = Buffer.from(`${JSON.stringify(index, null, 2)}\n`);
    await writeFile(path.join(root, INDEX_FILE), indexBytes);
    if (signingKey) {
      const signature: PackageSignature = {
        algorithm: "ed25519",
        keyId: signingKey.keyId,
        signature: signBytes(indexBytes, signingKey),
      };
      await writeFile(path.join(root, SIGNATURE_FILE), `${JSON.stringify(signature, null, 2)}\n`);
    }
    // The packed manifest is checked as the kernel will check it.
    try {
      readManifest(root, KERNEL_VERSION);
    } catch (error) {
      if (!(error instanceof ManifestError)) throw error;
      throw new PackageError(
        "PACKAGE_BUILD_FAILED",
        `the packed plugin would not load: ${error.message}`,
      );
    }
    await mkdir(options.outDir, { recursive: true });
    const file = path.resolve(options.outDir, packageFileName(manifest.name, manifest.version));
    await writeArchive(staging, Object.keys(files), signingKey !== undefined, file);
    log(
      `${file}: ${Object.keys(files).length} files, ${signingKey ? `signed by key ${signingKey.keyId}` : "unsigned"}`,
    );
    return { file, index };
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

function nativeRefused(what: string, todo: string): PackageError {
  return new PackageError(
    "PACKAGE_NATIVE_MODULE",
    `${what}: native code is refused unless declared — ${todo} (ADR 0023)`,
  );
}

/** Every plain file under `base/relative` as a `/`-separated path from `base`; symbolic links are refused. */
async function listFiles(
  base: string,
  relative: string,
  skipFolder: (folder: string) => boolean = () => false,
): Promise<string[]> {
  const found: string[] = [];
  const walk = async (folder: string) => {
    const absolute = path.join(base, folder);
    for (const entry of await readdir(absolute, { withFileTypes: true })) {
      const child = folder === "" ? entry.name : `${folder}/${entry.name}`;
      if (entry.isDirectory()) {
        if (!skipFolder(child)) await walk(child);
      } else if (entry.isFile()) found.push(child);
      else {
        throw new PackageError(
          "PACKAGE_UNSAFE_PATH",
          `${path.join(base, child)} is not a plain file (a link or a device); a package holds plain files only`,
          { file: child },
        );
      }
    }
  };
  await walk(relative);
  return found;
}

async function copyInto(from: string, root: string, file: string): Promise<void> {
  const target = path.join(root, file);
  await mkdir(path.dirname(target), { recursive: true });
  await copyFile(path.join(from, file), target);
}

interface BundleResult {
  external: string[];
  bundled: string[];
}

/** The package an import specifier or a node_modules path names: `@scope/name` or `name`. */
function packageOf(specifier: string): string {
  const parts = specifier.split("/");
  return specifier.startsWith("@") ? parts.slice(0, 2).join("/") : (parts[0] as string);
}

async function bundleServer(
  source: string,
  serverRoot: string,
  entryPoints: string[],
  root: string,
  shippedInstalled: readonly string[],
): Promise<BundleResult> {
  const esbuild = await import("esbuild");
  const external = [...KERNEL_PROVIDED_PACKAGES, ...shippedInstalled];
  let result: Awaited<ReturnType<typeof esbuild.build>>;
  try {
    result = await esbuild.build({
      absWorkingDir: source,
      entryPoints,
      outbase: path.join(source, serverRoot),
      outdir: path.join(root, serverRoot),
      bundle: true,
      splitting: true,
      format: "esm",
      platform: "node",
      target: "node20",
      // A subpath (typeorm/…) of an external package is external too.
      external: external.flatMap((name) => [name, `${name}/*`]),
      // Shared code lands outside routes/, which the kernel loads file by file.
      chunkNames: "_chunks/[name]-[hash]",
      sourcemap: "linked",
      // esbuild renames a class that shares its name with a global used elsewhere in the
      // bundle (abort-controller's AbortSignal → AbortSignal2); node-fetch 2 checks
      // `constructor.name === "AbortSignal"`, so every Bot API call of telegraf failed.
      keepNames: true,
      metafile: true,
      logLevel: "silent",
      // CommonJS dependencies call require(); an ES module has none of its own.
      banner: {
        js: 'import { createRequire as __roa2webCreateRequire } from "node:module"; const require = __roa2webCreateRequire(import.meta.url);',
      },
    });
  } catch (error) {
    const failures = (error as { errors?: { text: string; location?: { file: string } | null }[] })
      .errors;
    const native = failures?.find((failure) => /\.node\b/.test(failure.text));
    if (native) {
      throw nativeRefused(
        `${native.location?.file ?? "the server code"} loads a native addon (${native.text})`,
        "name its package in roa2web.native",
      );
    }
    const text =
      failures?.map((failure) => `${failure.location?.file ?? ""}: ${failure.text}`).join("; ") ??
      (error as Error).message;
    throw new PackageError(
      "PACKAGE_BUILD_FAILED",
      `bundling the server code failed: ${text} — a dependency the plugin imports must be installed (pnpm install) before packing`,
    );
  }
  const metafile = result.metafile as NonNullable<typeof result.metafile>;
  const externalUsed = new Set<string>();
  for (const output of Object.values(metafile.outputs)) {
    for (const imported of output.imports) {
      if (!imported.external) continue;
      const name = imported.path.startsWith("node:") ? undefined : packageOf(imported.path);
      if (name && !BUILTINS.has(name) && !shippedInstalled.includes(name)) externalUsed.add(name);
    }
  }
  const bundled = new Map<string, string>();
  const checked = new Set<string>();
  for (const input of Object.keys(metafile.inputs)) {
    const marker = input.lastIndexOf("node_modules/");
    if (marker < 0) continue;
    const name = packageOf(input.slice(marker + "node_modules/".length));
    const folder = path.resolve(source, input.slice(0, marker), "node_modules", name);
    if (checked.has(folder)) continue;
    checked.add(folder);
    const info = await readPackageJson(folder);
    if (await isNative(folder, info)) {
      throw nativeRefused(
        `the dependency ${name} has native code (a .node file, binding.gyp, gypfile or an install script that builds one)`,
        `name it in roa2web.native to ship it as it is installed, or use a pure JavaScript package`,
      );
    }
    bundled.set(name, `${name}@${String(info?.version ?? "unknown")}`);
  }
  return { external: [...externalUsed].sort(), bundled: [...bundled.values()].sort() };
}

async function readPackageJson(folder: string): Promise<Record<string, unknown> | undefined> {
  try {
    return JSON.parse(await readFile(path.join(folder, "package.json"), "utf8"));
  } catch {
    return undefined;
  }
}

const isNodeModules = (folder: string) =>
  folder === "node_modules" || folder.endsWith("/node_modules");

/** Install scripts that build or fetch an addon (others, such as a thank-you banner, do not count). */
const NATIVE_BUILD =
  /\b(node-gyp|node-gyp-build|prebuild-install|node-pre-gyp|cmake-js|napi-build)\b/;

/**
 * A package is native if it holds a `.node` file, builds with node-gyp (`binding.gyp`,
 * `gypfile`), has an install script that builds or fetches an addon, or has an optional
 * dependency holding a `.node` file (prebuilt addons per platform).
 */
async function isNative(
  folder: string,
  info: Record<string, unknown> | undefined,
): Promise<boolean> {
  const scripts = (info?.scripts ?? {}) as Record<string, unknown>;
  if (
    existsSync(path.join(folder, "binding.gyp")) ||
    info?.gypfile === true ||
    ["preinstall", "install", "postinstall"].some((script) =>
      NATIVE_BUILD.test(String(scripts[script] ?? "")),
    )
  ) {
    return true;
  }
  const files = await listFiles(folder, "", isNodeModules);
  if (files.some((file) => file.toLowerCase().endsWith(".node"))) return true;
  // Prebuilt addons come as one optional package per platform (sharp's @img/sharp-linux-x64).
  for (const optional of Object.keys((info?.optionalDependencies ?? {}) as object)) {
    const installed = await findInstalled(folder, optional);
    if (!installed) continue;
    const nested = await listFiles(installed, "", isNodeModules);
    if (nested.some((file) => file.toLowerCase().endsWith(".node"))) return true;
  }
  return false;
}

/** Finds an installed package the way node does from `from`: the nearest node_modules/<name>. */
async function findInstalled(from: string, name: string): Promise<string | undefined> {
  let folder = from;
  for (;;) {
    const candidate = path.join(folder, "node_modules", name);
    if (existsSync(path.join(candidate, "package.json"))) return realpath(candidate);
    const parent = path.dirname(folder);
    if (parent === folder) return undefined;
    folder = parent;
  }
}

/**
 * Copies each package the manifest ships as installed (`native`, `unbundled`) under
 * `node_modules/` with the dependencies it needs at run time (those the kernel provides
 * stay outside), laid out as npm does: hoisted to the top, nested under the package that
 * needs another version. Native code is refused in any package not declared native.
 */
async function copyInstalledPackages(
  source: string,
  root: string,
  declared: { native: readonly string[]; unbundled: readonly string[] },
): Promise<{ native: string[]; unbundled: string[]; logs: string[] }> {
  const logs: string[] = [];
  /** Folder in the package → version copied there. */
  const placed = new Map<string, string>();
  /**
   * `name` as `needer` (installed at `from`, copied to `neederTarget`) resolves it: the
   * nearest copy up the folders wins, as in node's resolution.
   */
  const copy = async (
    name: string,
    from: string,
    neederTarget: string,
    needer: string,
    /** Inside a declared native module: its own dependencies may hold its addon. */
    inNative: boolean,
    /** An optional dependency of the needer (which by npm's contract runs without it). */
    optional = false,
    /**
     * Where the declared native module this one serves was copied: its dependencies are
     * kept inside that folder, so every addon of the package is under a declared native
     * module's folder (what a server checks when it opens the package), never hoisted.
     */
    nativeRoot?: string,
  ) => {
    if (KERNEL_PROVIDED_PACKAGES.includes(name)) return;
    const folder = await findInstalled(from, name);
    if (!folder) {
      throw new PackageError(
        "PACKAGE_BUILD_FAILED",
        `${needer} needs ${name}, which is not installed: run pnpm install in the plugin before packing`,
      );
    }
    const info = (await readPackageJson(folder)) ?? {};
    const version = String(info.version ?? "unknown");
    let visible: string | undefined;
    const top = nativeRoot ?? root;
    for (let dir = neederTarget; ; dir = path.dirname(dir)) {
      const candidate = path.join(dir, "node_modules", name);
      if (placed.has(candidate)) {
        visible = candidate;
        break;
      }
      if (dir === top || !dir.startsWith(top)) break;
    }
    if (visible !== undefined && placed.get(visible) === version) return;
    // Another version is what the needer would see: nest this one under the needer.
    const target =
      visible === undefined && nativeRoot === undefined
        ? path.join(root, "node_modules", name)
        : path.join(neederTarget, "node_modules", name);
    if (placed.has(target)) {
      throw new PackageError(
        "PACKAGE_BUILD_FAILED",
        `${needer} needs ${name}@${version} where ${name}@${placed.get(target)} is already shipped`,
      );
    }
    const native = declared.native.includes(name);
    if (!native && !inNative && (await isNative(folder, info))) {
      // pdfjs-dist's @napi-rs/canvas (32 MB, for rendering pages): a plugin that only
      // reads text does without it, as npm install --omit=optional would.
      if (optional) {
        logs.push(
          `left out ${name}@${version}, an optional dependency of ${needer} with native code (name it in roa2web.native to ship it)`,
        );
        return;
      }
      throw nativeRefused(
        `${needer} depends on ${name}, which has native code (a .node file, binding.gyp, gypfile or an install script that builds one)`,
        `name ${name} in roa2web.native`,
      );
    }
    placed.set(target, version);
    for (const file of await listFiles(folder, "", isNodeModules)) {
      await mkdir(path.dirname(path.join(target, file)), { recursive: true });
      await copyFile(path.join(folder, file), path.join(target, file));
    }
    const where = path.relative(root, target).split(path.sep).join("/");
    logs.push(`shipped ${name}@${version} as installed in ${where}${native ? " (native)" : ""}`);
    const closure = native ? target : nativeRoot;
    for (const dependency of Object.keys((info.dependencies ?? {}) as Record<string, string>)) {
      await copy(dependency, folder, target, name, native || inNative, false, closure);
    }
    // Optional ones as installed here (a prebuilt addon for this platform, say).
    for (const optional of Object.keys((info.optionalDependencies ?? {}) as object)) {
      if (await findInstalled(folder, optional)) {
        await copy(optional, folder, target, name, native || inNative, true, closure);
      }
    }
  };
  for (const [key, names] of Object.entries(declared)) {
    for (const name of names) {
      if (KERNEL_PROVIDED_PACKAGES.includes(name)) {
        throw new PackageError(
          "PACKAGE_BAD_MANIFEST",
          `roa2web.${key} names ${name}, which the kernel provides: remove it`,
          { file: "package.json" },
        );
      }
      await copy(name, source, root, `roa2web.${key}`, false);
    }
  }
  return { native: [...declared.native].sort(), unbundled: [...declared.unbundled].sort(), logs };
}

/** The range the packed package.json gives a dependency that stays outside. */
async function dependencyRange(
  source: string,
  pkg: Record<string, unknown>,
  name: string,
): Promise<string> {
  for (const field of ["dependencies", "peerDependencies"]) {
    const range = ((pkg[field] ?? {}) as Record<string, string>)[name];
    if (range !== undefined && !/^(workspace|link|file):/.test(range)) return range;
  }
  // A workspace or local link means nothing outside this repository: the installed version.
  const folder = await findInstalled(source, name);
  const version = folder ? (await readPackageJson(folder))?.version : undefined;
  return typeof version === "string" ? `^${version}` : "*";
}
