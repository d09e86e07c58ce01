/**
 * The package format (ADR 0023): one gzip'd tar with everything under `package/`, an
 * index listing every file's SHA-256 (`roa2web-package.json`) and an optional ed25519
 * signature over the index's exact bytes (`roa2web-package.sig`).
 */
import { PackageError } from "./errors.js";

export const PACKAGE_FORMAT = 1;
export const PACKAGE_ROOT = "package";
export const INDEX_FILE = "roa2web-package.json";
export const SIGNATURE_FILE = "roa2web-package.sig";
export const PACKAGE_SUFFIX = ".roa2web.tgz";

export interface PackageIndex {
  format: 1;
  /** The plugin's name (`roa2web.name`), not the npm package name. */
  name: string;
  version: string;
  /** The kernel range the plugin supports (`roa2web.kernel`). */
  kernel: string;
  /** Every file of the package but the index and the signature: path under `package/` → SHA-256 hex. */
  files: Record<string, string>;
  /** Packages the server code imports but does not carry: the kernel provides them. */
  external: string[];
  /** Packages bundled into the server code, as `name@version`. */
  bundled: string[];
  /** Native modules the manifest declares (`roa2web.native`), shipped under `node_modules/`. */
  native: string[];
  /**
   * Pure JavaScript packages the manifest ships as installed (`roa2web.unbundled`), under
   * `node_modules/`: they read their own files at run time. Absent means none.
   */
  unbundled?: string[];
  /** Where the native modules were built (present when `native` is not empty): they load only there. */
  platform?: PackagePlatform;
  createdAt: string;
}

export interface PackagePlatform {
  /** `process.platform`: linux, win32, darwin. */
  os: string;
  /** `process.arch`: x64, arm64. */
  arch: string;
  /** `process.versions.modules`: the Node ABI (115 for Node 20). */
  abi: string;
}

export function currentPlatform(): PackagePlatform {
  return { os: process.platform, arch: process.arch, abi: process.versions.modules };
}

export interface PackageSignature {
  algorithm: "ed25519";
  keyId: string;
  signature: string;
}

export function packageFileName(name: string, version: string): string {
  return `${name}-${version}${PACKAGE_SUFFIX}`;
}

const SHA256 = /^[0-9a-f]{64}$/;

function isStringList(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === "string");
}

/** Parses and checks the index's shape; PACKAGE_MALFORMED with what is wrong. */
export function parseIndex(bytes: Buffer): PackageIndex {
  let index: Record<string, unknown>;
  try {
    index = JSON.parse(bytes.toString("utf8"));
  } catch (error) {
    throw new PackageError(
      "PACKAGE_MALFORMED",
      `${INDEX_FILE} is not JSON (${(error as Error).message}); the archive was not made by "roa2web plugin pack"`,
      { file: INDEX_FILE },
    );
  }
  const problems: string[] = [];
  if (typeof index !== "object" || index === null || Array.isArray(index)) {
    problems.push("it is not an object");
  } else {
    if (index.format !== PACKAGE_FORMAT) {
      problems.push(`format ${JSON.stringify(index.format)} is not ${PACKAGE_FORMAT}`);
    }
    for (const key of ["name", "version", "kernel", "createdAt"]) {
      if (typeof index[key] !== "string" || index[key] === "") problems.push(`${key} is missing`);
    }
    for (const key of ["external", "bundled", "native"]) {
      if (!isStringList(index[key])) problems.push(`${key} is not a list of strings`);
    }
    if (index.unbundled !== undefined && !isStringList(index.unbundled)) {
      problems.push("unbundled is not a list of strings");
    }
    if (Array.isArray(index.native) && index.native.length > 0) {
      const platform = index.platform as Record<string, unknown> | undefined;
      if (
        typeof platform !== "object" ||
        platform === null ||
        !["os", "arch", "abi"].every((key) => typeof platform[key] === "string")
      ) {
        problems.push("native modules without the platform they were built for");
      }
    }
    const files = index.files;
    if (typeof files !== "object" || files === null || Array.isArray(files)) {
      problems.push("files is not an object");
    } else {
      for (const [file, hash] of Object.entries(files)) {
        if (typeof hash !== "string" || !SHA256.test(hash)) {
          problems.push(`files["${file}"] is not a SHA-256 in hex`);
        }
      }
    }
  }
  if (problems.length > 0) {
    throw new PackageError(
      "PACKAGE_MALFORMED",
      `${INDEX_FILE} is malformed: ${problems.slice(0, 5).join("; ")}`,
      { file: INDEX_FILE },
    );
  }
  return index as unknown as PackageIndex;
}

export function parseSignature(bytes: Buffer): PackageSignature {
  let parsed: Record<string, unknown> | undefined;
  try {
    parsed = JSON.parse(bytes.toString("utf8"));
  } catch {
    parsed = undefined;
  }
  if (
    typeof parsed !== "object" ||
    parsed === null ||
    parsed.algorithm !== "ed25519" ||
    typeof parsed.keyId !== "string" ||
    !/^[0-9a-f]{16}$/.test(parsed.keyId) ||
    typeof parsed.signature !== "string" ||
    !/^[A-Za-z0-9+/]+={0,2}$/.test(parsed.signature)
  ) {
    throw new PackageError(
      "PACKAGE_BAD_SIGNATURE",
      `${SIGNATURE_FILE} is not an ed25519 signature ({ "algorithm": "ed25519", "keyId", "signature" }): sign the package again with "roa2web plugin sign"`,
      { file: SIGNATURE_FILE },
    );
  }
  return parsed as unknown as PackageSignature;
}

/**
 * The path of an archive entry under `package/`, or a PACKAGE_UNSAFE_PATH error:
 * no absolute paths, drive letters, backslashes, `.`/`..` or empty segments, no control
 * characters. Checked on the raw entry name, before anything touches the disk.
 */
export function safeEntryPath(entryPath: string): string {
  const unsafe = (why: string) =>
    new PackageError(
      "PACKAGE_UNSAFE_PATH",
      `the archive entry "${entryPath.slice(0, 200)}" ${why}; the package was not made by "roa2web plugin pack" or was tampered with — do not install it`,
      { file: entryPath.slice(0, 200) },
    );
  if (entryPath.length > 400) throw unsafe("has a path longer than 400 characters");
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused
  if (/[\u0000-\u001f\u007f]/.test(entryPath)) throw unsafe("has a control character in its name");
  if (entryPath.includes("\\")) throw unsafe("has a backslash in its path");
  if (entryPath.startsWith("/")) throw unsafe("has an absolute path");
  if (/^[A-Za-z]:/.test(entryPath)) throw unsafe("starts with a drive letter");
  const segments = entryPath.replace(/\/$/, "").split("/");
  if (segments.some((segment) => segment === "" || segment === "." || segment === "..")) {
    throw unsafe("has an empty, . or .. segment in its path");
  }
  if (segments[0] !== PACKAGE_ROOT) {
    throw new PackageError(
      "PACKAGE_UNLISTED_FILE",
      `the archive entry "${entryPath.slice(0, 200)}" is outside package/; a plugin package holds only package/** — do not install it`,
      { file: entryPath.slice(0, 200) },
    );
  }
  return segments.slice(1).join("/");
}
