/**
 * Opens a plugin package and proves it before anything of it is used: every entry a
 * plain file under `package/` with a safe path, within the size and count limits, listed
 * in the index with the SHA-256 it has; the index signed by a trusted key (or allowed
 * unsigned); the manifest valid and the same plugin as the index; no undeclared native
 * code. The files are written to a private staging folder while they are read and leave
 * it (extractTo) only once all of that holds. Hostile input is the expected case.
 */
import { createHash } from "node:crypto";
import { once } from "node:events";
import { createReadStream, createWriteStream } from "node:fs";
import { cp, mkdir, mkdtemp, rename, rm, stat, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { pipeline, Readable } from "node:stream";
import { createGunzip } from "node:zlib";
import type { ResolvedPluginManifest } from "@roa2web/plugin-sdk";
import { Parser, type ReadEntry } from "tar";
import { ManifestError, readManifest } from "../plugins/manifest.js";
import { KERNEL_VERSION } from "../version.js";
import { PackageError } from "./errors.js";
import {
  currentPlatform,
  INDEX_FILE,
  PACKAGE_ROOT,
  type PackageIndex,
  parseIndex,
  parseSignature,
  SIGNATURE_FILE,
  safeEntryPath,
} from "./format.js";
import { type TrustedKey, verifyBytes } from "./keys.js";

/** The default cap on the uncompressed archive (and on the file itself). */
export const DEFAULT_MAX_PACKAGE_BYTES = 256 * 1024 * 1024;
export const DEFAULT_MAX_PACKAGE_FILES = 10_000;
/** The index and the signature are read into memory: they stay small. */
const MAX_META_FILE_BYTES = 4 * 1024 * 1024;

export interface OpenPackageOptions {
  trustedKeys: readonly TrustedKey[];
  /** Production: true (an unsigned package, or one signed by an unknown key, is refused). */
  requireSignature: boolean;
  /** Largest uncompressed archive accepted, in bytes (default 256 MiB). */
  maxBytes?: number;
  /** Most files accepted (default 10 000). */
  maxFiles?: number;
  /**
   * Where the private staging folder is made (default the system's temp folder). Put it on
   * the file system of the folder you extract to, so extractTo is a rename.
   */
  stagingRoot?: string;
}

export interface OpenedPackage {
  name: string;
  version: string;
  index: PackageIndex;
  /** The parsed, validated `roa2web` manifest (its `root` is the staging folder until extractTo). */
  manifest: ResolvedPluginManifest;
  signature: { keyId: string; trusted: boolean } | undefined;
  /** What an operator should know but that does not refuse the package. */
  warnings: string[];
  /** The verified files, extracted in a private staging folder; moves them to `dir` (which must not exist yet). */
  extractTo(dir: string): Promise<void>;
  /** Removes the staging folder (also called by extractTo). */
  dispose(): Promise<void>;
}

interface Extracted {
  /** Path under package/ → SHA-256 hex of what was written. */
  hashes: Map<string, string>;
  index?: Buffer;
  signature?: Buffer;
}

export async function openPackage(
  archive: string | Buffer,
  options: OpenPackageOptions,
): Promise<OpenedPackage> {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_PACKAGE_BYTES;
  const maxFiles = options.maxFiles ?? DEFAULT_MAX_PACKAGE_FILES;
  const staging = await mkdtemp(path.join(options.stagingRoot ?? os.tmpdir(), "roa2web-package-"));
  const root = path.join(staging, PACKAGE_ROOT);
  let disposed = false;
  const dispose = async () => {
    if (disposed) return;
    disposed = true;
    await rm(staging, { recursive: true, force: true });
  };
  try {
    await mkdir(root, { mode: 0o700 });
    const source = await archiveSource(archive, maxBytes);
    const extracted = await extract(source, root, { maxBytes, maxFiles });
    const verified = verify(extracted, options);
    // The index and the signature travel with the files: an installed folder can be re-checked.
    await writeFile(path.join(root, INDEX_FILE), extracted.index as Buffer, { flag: "wx" });
    if (extracted.signature) {
      await writeFile(path.join(root, SIGNATURE_FILE), extracted.signature, { flag: "wx" });
    }
    const manifest = checkManifest(root, verified.index);
    const opened: OpenedPackage = {
      name: verified.index.name,
      version: verified.index.version,
      index: verified.index,
      manifest,
      signature: verified.signature,
      warnings: verified.warnings,
      async extractTo(dir: string) {
        if (disposed) throw new Error("the package was disposed before extractTo");
        const target = path.resolve(dir);
        await mkdir(path.dirname(target), { recursive: true });
        try {
          await rename(root, target);
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code !== "EXDEV") throw error;
          // Another file system: copy, never leaving a half-copied folder behind.
          const partial = `${target}.partial-${process.pid}`;
          try {
            await cp(root, partial, { recursive: true, errorOnExist: true, force: false });
            await rename(partial, target);
          } catch (copyError) {
            await rm(partial, { recursive: true, force: true });
            throw copyError;
          }
        }
        opened.manifest = { ...opened.manifest, root: target };
        await dispose();
      },
      dispose,
    };
    return opened;
  } catch (error) {
    await dispose();
    throw error;
  }
}

async function archiveSource(archive: string | Buffer, maxBytes: number): Promise<Readable> {
  if (Buffer.isBuffer(archive)) {
    if (archive.length > maxBytes) throw tooLarge(maxBytes);
    return Readable.from([archive]);
  }
  let size: number;
  try {
    size = (await stat(archive)).size;
  } catch (error) {
    throw new PackageError(
      "PACKAGE_MALFORMED",
      `cannot read the package ${archive}: ${(error as Error).message}`,
    );
  }
  if (size > maxBytes) throw tooLarge(maxBytes);
  return createReadStream(archive);
}

function tooLarge(maxBytes: number): PackageError {
  return new PackageError(
    "PACKAGE_TOO_LARGE",
    `the package is larger than ${maxBytes} bytes unpacked; a plugin package that large is refused (raise the limit only for a package you trust)`,
  );
}

/**
 * Streams the archive through gunzip (counting what comes out: a gzip bomb stops at the
 * cap) into tar's parser, writing each regular file into the staging folder while hashing it.
 */
async function extract(
  source: Readable,
  root: string,
  limits: { maxBytes: number; maxFiles: number },
): Promise<Extracted> {
  const extracted: Extracted = { hashes: new Map() };
  const seen = new Set<string>();
  const directories = new Set<string>();
  const writes: Promise<void>[] = [];
  const outputs = new Set<ReturnType<typeof createWriteStream>>();
  const created = new Set<string>();
  let failure: Error | undefined;
  const fail = (error: Error) => {
    failure ??= error;
  };
  const parser = new Parser({ strict: true });
  // Settles once the parser can take more input, or will never again.
  const parserReady = (event: "drain" | "end") =>
    new Promise<void>((resolve) => {
      const done = () => {
        for (const name of [event, "close", "abort", "error"]) parser.off(name, done);
        resolve();
      };
      for (const name of [event, "close", "abort", "error"]) parser.on(name, done);
    });
  parser.on("entry", (entry: ReadEntry) => {
    if (failure) {
      entry.resume();
      return;
    }
    writes.push(
      handleEntry(entry).catch((error: Error) => {
        entry.resume();
        fail(error);
      }),
    );
  });
  parser.on("error", (error: Error) =>
    fail(
      error instanceof PackageError
        ? error
        : new PackageError(
            "PACKAGE_MALFORMED",
            `the package is not a valid tar archive: ${error.message}`,
          ),
    ),
  );

  async function handleEntry(entry: ReadEntry): Promise<void> {
    const relative = safeEntryPath(entry.path);
    if (entry.type === "Directory") {
      entry.resume();
      return;
    }
    if (entry.type !== "File" && entry.type !== "OldFile" && entry.type !== "ContiguousFile") {
      const kind =
        entry.type === "SymbolicLink"
          ? "a symbolic link"
          : entry.type === "Link"
            ? "a hard link"
            : `a ${entry.type} entry`;
      throw new PackageError(
        "PACKAGE_UNSAFE_PATH",
        `the archive entry "${entry.path}" is ${kind}; a plugin package holds only plain files — do not install it`,
        { file: relative },
      );
    }
    if (relative === "") throw new PackageError("PACKAGE_MALFORMED", "package/ is a file");
    // Case-insensitive: two names for one file on Windows and macOS are one name here too.
    const key = relative.toLowerCase();
    if (seen.has(key)) {
      throw new PackageError(
        "PACKAGE_MALFORMED",
        `the archive holds "${relative}" twice (names compared without case); a package lists each file once — do not install it`,
        { file: relative },
      );
    }
    seen.add(key);
    if (seen.size > limits.maxFiles) {
      throw new PackageError(
        "PACKAGE_TOO_LARGE",
        `the package holds more than ${limits.maxFiles} files; a plugin package that large is refused`,
      );
    }
    if (relative === INDEX_FILE || relative === SIGNATURE_FILE) {
      if (entry.size > MAX_META_FILE_BYTES) {
        throw new PackageError(
          "PACKAGE_TOO_LARGE",
          `${relative} is larger than ${MAX_META_FILE_BYTES} bytes`,
          { file: relative },
        );
      }
      const chunks: Buffer[] = [];
      entry.on("data", (chunk: Buffer) => chunks.push(chunk));
      entry.on("end", () => {
        if (relative === INDEX_FILE) extracted.index = Buffer.concat(chunks);
        else extracted.signature = Buffer.concat(chunks);
      });
      return;
    }
    const segments = relative.split("/");
    for (let depth = 1; depth < segments.length; depth += 1) {
      directories.add(segments.slice(0, depth).join("/").toLowerCase());
    }
    const target = path.join(root, ...segments);
    const parent = path.dirname(target);
    if (!created.has(parent)) {
      await mkdir(parent, { recursive: true });
      created.add(parent);
    }
    if (failure) return;
    const hash = createHash("sha256");
    // "wx": never follow or overwrite something already there.
    const output = createWriteStream(target, { flags: "wx", mode: 0o644 });
    outputs.add(output);
    const closed = once(output, "close");
    // One consumer for both the hash and the file: a second one would miss what the first drained.
    entry.on("data", (chunk: Buffer) => {
      hash.update(chunk);
      if (!output.write(chunk)) {
        entry.pause();
        output.once("drain", () => entry.resume());
      }
    });
    entry.on("end", () => output.end());
    await closed;
    outputs.delete(output);
    extracted.hashes.set(relative, hash.digest("hex"));
  }

  let total = 0;
  try {
    const inflated = pipeline(gzipOnly(source), createGunzip(), () => {});
    try {
      for await (const chunk of inflated as AsyncIterable<Buffer>) {
        total += chunk.length;
        if (total > limits.maxBytes) throw tooLarge(limits.maxBytes);
        if (!parser.write(chunk)) await parserReady("drain");
        if (failure) break;
      }
    } finally {
      inflated.destroy();
    }
    if (!failure) {
      const ended = parserReady("end");
      parser.end();
      await ended;
    }
  } catch (error) {
    fail(
      error instanceof PackageError
        ? error
        : new PackageError(
            "PACKAGE_MALFORMED",
            `the package cannot be unpacked: ${(error as Error).message}`,
          ),
    );
  } finally {
    source.destroy();
  }
  // On a failure, files being written are abandoned; the caller removes the staging folder.
  if (failure) for (const output of outputs) output.destroy();
  await Promise.allSettled(writes);
  if (failure) throw failure;
  // A file and a folder of the same name cannot both exist once extracted.
  for (const file of extracted.hashes.keys()) {
    if (directories.has(file.toLowerCase())) {
      throw new PackageError(
        "PACKAGE_MALFORMED",
        `"${file}" is both a file and a folder in the archive`,
        { file },
      );
    }
  }
  return extracted;
}

/** Passes the archive on, refusing at the first bytes anything that is not gzip. */
async function* gzipOnly(source: Readable): AsyncGenerator<Buffer> {
  let first = true;
  for await (const chunk of source as AsyncIterable<Buffer>) {
    if (first && (chunk.length < 2 || chunk[0] !== 0x1f || chunk[1] !== 0x8b)) {
      throw new PackageError(
        "PACKAGE_MALFORMED",
        `the file is not a gzip'd tar (a plugin package is <name>-<version>.roa2web.tgz, made by "roa2web plugin pack")`,
      );
    }
    first = false;
    yield chunk;
  }
  if (first) throw new PackageError("PACKAGE_MALFORMED", "the package file is empty");
}

interface Verified {
  index: PackageIndex;
  signature: OpenedPackage["signature"];
  warnings: string[];
}

/** Index, signature, then every file against the index: all before anything leaves staging. */
function verify(extracted: Extracted, options: OpenPackageOptions): Verified {
  if (!extracted.index) {
    throw new PackageError(
      "PACKAGE_MALFORMED",
      `the archive has no package/${INDEX_FILE}; it is not a roa2web plugin package (make one with "roa2web plugin pack")`,
      { file: INDEX_FILE },
    );
  }
  const index = parseIndex(extracted.index);
  const about = { name: index.name, version: index.version };
  const label = `${index.name}@${index.version}`;
  const warnings: string[] = [];
  let signature: Verified["signature"];
  if (!extracted.signature) {
    if (options.requireSignature) {
      throw new PackageError(
        "PACKAGE_UNSIGNED",
        `${label} is not signed, and this server installs only signed packages: sign it with "roa2web plugin sign <file> --key <private key>" and add the public key to PLUGIN_TRUSTED_KEYS`,
        about,
      );
    }
    warnings.push("unsigned package (allowed in development)");
  } else {
    const parsed = parseSignature(extracted.signature);
    const key = options.trustedKeys.find((candidate) => candidate.keyId === parsed.keyId);
    if (!key) {
      if (options.requireSignature) {
        throw new PackageError(
          "PACKAGE_UNTRUSTED_KEY",
          `${label} is signed by key ${parsed.keyId}, which this server does not trust: add that key's public half (ed25519:…) to PLUGIN_TRUSTED_KEYS if you trust its publisher`,
          { ...about, keyId: parsed.keyId },
        );
      }
      warnings.push(
        `signed by key ${parsed.keyId}, which is not trusted: the signature was not checked (allowed in development)`,
      );
      signature = { keyId: parsed.keyId, trusted: false };
    } else {
      if (!verifyBytes(extracted.index, Buffer.from(parsed.signature, "base64"), key)) {
        throw new PackageError(
          "PACKAGE_BAD_SIGNATURE",
          `the signature of ${label} does not match its contents for key ${parsed.keyId}: the package was changed after it was signed — do not install it; get it again from its publisher`,
          { ...about, keyId: parsed.keyId, file: SIGNATURE_FILE },
        );
      }
      signature = { keyId: parsed.keyId, trusted: true };
    }
  }
  for (const [file, hash] of extracted.hashes) {
    const expected = index.files[file];
    if (expected === undefined) {
      throw new PackageError(
        "PACKAGE_UNLISTED_FILE",
        `${label} holds package/${file}, which its index does not list: a file was added after packing — do not install it`,
        { ...about, file },
      );
    }
    if (expected !== hash) {
      throw new PackageError(
        "PACKAGE_HASH_MISMATCH",
        `package/${file} of ${label} is not the file that was packed (SHA-256 ${hash}, the index says ${expected}) — do not install it; get the package again`,
        { ...about, file },
      );
    }
  }
  for (const file of Object.keys(index.files)) {
    if (!extracted.hashes.has(file)) {
      throw new PackageError(
        "PACKAGE_MISSING_FILE",
        `package/${file} of ${label} is listed in its index but missing from the archive — the package is incomplete; get it again`,
        { ...about, file },
      );
    }
  }
  return { index, signature, warnings };
}

/** The manifest checked as the kernel checks an installed plugin, and matched to the index. */
function checkManifest(root: string, index: PackageIndex): ResolvedPluginManifest {
  const about = { name: index.name, version: index.version, file: "package.json" };
  let manifest: ResolvedPluginManifest;
  try {
    manifest = readManifest(root, KERNEL_VERSION);
  } catch (error) {
    if (!(error instanceof ManifestError)) throw error;
    throw new PackageError(
      "PACKAGE_BAD_MANIFEST",
      `the manifest of ${index.name}@${index.version} (package/package.json) is refused: ${error.message}`,
      about,
    );
  }
  const mismatches = [
    manifest.name !== index.name && `name "${manifest.name}" ≠ "${index.name}"`,
    manifest.version !== index.version && `version ${manifest.version} ≠ ${index.version}`,
    manifest.kernel !== index.kernel && `kernel range "${manifest.kernel}" ≠ "${index.kernel}"`,
  ].filter(Boolean);
  if (mismatches.length > 0) {
    throw new PackageError(
      "PACKAGE_BAD_MANIFEST",
      `package/package.json and ${INDEX_FILE} describe different plugins (${mismatches.join("; ")}) — do not install it`,
      about,
    );
  }
  const declared = new Set(manifest.native ?? []);
  for (const name of index.native) {
    if (!declared.has(name)) {
      throw new PackageError(
        "PACKAGE_NATIVE_MODULE",
        `${index.name}@${index.version} ships the native module ${name}, which its manifest does not declare in roa2web.native`,
        { ...about, file: `node_modules/${name}` },
      );
    }
  }
  if (index.platform && index.native.length > 0) {
    const here = currentPlatform();
    const built = index.platform;
    if (built.os !== here.os || built.arch !== here.arch || built.abi !== here.abi) {
      throw new PackageError(
        "PACKAGE_NATIVE_MODULE",
        `${index.name}@${index.version} ships native modules (${index.native.join(", ")}) built for ${built.os}-${built.arch}, Node ABI ${built.abi}; this server is ${here.os}-${here.arch}, Node ABI ${here.abi}: pack it on a machine like the servers`,
        { name: index.name, version: index.version },
      );
    }
  }
  const nativeFolders = index.native.map((name) => `node_modules/${name}/`);
  for (const file of Object.keys(index.files)) {
    if (
      file.toLowerCase().endsWith(".node") &&
      !nativeFolders.some((folder) => file.startsWith(folder))
    ) {
      throw new PackageError(
        "PACKAGE_NATIVE_MODULE",
        `package/${file} of ${index.name}@${index.version} is native code outside a declared native module: a plugin declares each native module in roa2web.native and "roa2web plugin pack" ships it under node_modules/`,
        { name: index.name, version: index.version, file },
      );
    }
  }
  return manifest;
}
