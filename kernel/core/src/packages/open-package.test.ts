/**
 * openPackage on the real notes plugin, packed and signed, then on every way a package can
 * be tampered with or made hostile: each refused with its code, nothing left in staging.
 */
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { gunzipSync, gzipSync } from "node:zlib";
import { Header, Parser, type ReadEntry } from "tar";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PackageError, type PackageErrorCode } from "./errors.js";
import { generatePackageKeyPair, type PackageKeyPair, parseTrustedKey } from "./keys.js";
import { type OpenPackageOptions, openPackage } from "./open-package.js";
import { packPlugin } from "./pack-plugin.js";
import { signPackage } from "./sign-package.js";

const NOTES = fileURLToPath(new URL("../../../../plugins/examples/notes", import.meta.url));

interface Entry {
  path: string;
  body?: Buffer;
  type?: string;
  linkpath?: string;
}

/** A tar archive written block by block with tar's own header encoder: any entry, however hostile. */
function makeArchive(entries: readonly Entry[]): Buffer {
  const blocks: Buffer[] = [];
  for (const entry of entries) {
    const body = entry.body ?? Buffer.alloc(0);
    const header = new Header({
      path: entry.path,
      type: (entry.type ?? "File") as "File",
      size: entry.type && entry.type !== "File" ? 0 : body.length,
      mode: 0o644,
      mtime: new Date(0),
      linkpath: entry.linkpath,
    });
    const block = Buffer.alloc(512);
    header.encode(block);
    blocks.push(block);
    if (!entry.type || entry.type === "File") {
      blocks.push(body, Buffer.alloc((512 - (body.length % 512)) % 512));
    }
  }
  blocks.push(Buffer.alloc(1024));
  return gzipSync(Buffer.concat(blocks));
}

/** The entries of a package archive, in order, with their bytes. */
async function readArchive(archive: Buffer): Promise<Entry[]> {
  const entries: Entry[] = [];
  const parser = new Parser();
  parser.on("entry", (entry: ReadEntry) => {
    const chunks: Buffer[] = [];
    entry.on("data", (chunk: Buffer) => chunks.push(chunk));
    entry.on("end", () => entries.push({ path: entry.path, body: Buffer.concat(chunks) }));
  });
  const ended = new Promise((resolve) => parser.on("end", resolve));
  parser.end(gunzipSync(archive));
  await ended;
  return entries;
}

const change = (entries: Entry[], file: string, body: (old: Buffer) => Buffer): Entry[] =>
  entries.map((entry) =>
    entry.path === `package/${file}` ? { ...entry, body: body(entry.body as Buffer) } : entry,
  );
const bodyOf = (entries: Entry[], file: string): Buffer =>
  entries.find((entry) => entry.path === `package/${file}`)?.body as Buffer;

let work: string;
let staging: string;
let publisher: PackageKeyPair;
let stranger: PackageKeyPair;
let signed: Buffer;
let signedEntries: Entry[];
let unsigned: Buffer;

beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), "open-package-test-"));
  staging = path.join(work, "staging");
  await import("node:fs/promises").then((fs) => fs.mkdir(staging));
  publisher = generatePackageKeyPair();
  stranger = generatePackageKeyPair();
  const packed = await packPlugin(NOTES, {
    outDir: path.join(work, "signed"),
    privateKeyPem: publisher.privateKeyPem,
  });
  signed = await readFile(packed.file);
  signedEntries = await readArchive(signed);
  unsigned = await readFile(
    (await packPlugin(NOTES, { outDir: path.join(work, "unsigned") })).file,
  );
}, 60_000);
afterAll(async () => rm(work, { recursive: true, force: true }));

function options(overrides: Partial<OpenPackageOptions> = {}): OpenPackageOptions {
  return {
    trustedKeys: [parseTrustedKey(publisher.publicKey)],
    requireSignature: true,
    stagingRoot: staging,
    ...overrides,
  };
}

/** Refused with `code`, and nothing of it left in the staging folder. */
async function expectRefused(
  archive: Buffer,
  code: PackageErrorCode,
  message: string | RegExp,
  overrides: Partial<OpenPackageOptions> = {},
): Promise<PackageError> {
  const error = await openPackage(archive, options(overrides)).then(
    () => undefined,
    (failure: unknown) => failure,
  );
  expect(error).toBeInstanceOf(PackageError);
  expect((error as PackageError).code, (error as Error).message).toBe(code);
  expect((error as PackageError).message).toMatch(message);
  expect(await readdir(staging)).toEqual([]);
  return error as PackageError;
}

describe("a signed package of the notes plugin", () => {
  it("opens with a trusted signature, and its verified files move to the folder given", async () => {
    const opened = await openPackage(signed, options());
    expect(opened).toMatchObject({
      name: "notes",
      version: "0.1.0",
      signature: { keyId: publisher.keyId, trusted: true },
      warnings: [],
      manifest: { name: "notes", prefix: "/api/notes", entry: "dist/plugin.js" },
    });
    expect(Object.keys(opened.index.files)).toEqual(
      expect.arrayContaining(["package.json", "dist/plugin.js", "dist/ui/notes-app.js"]),
    );
    const target = path.join(work, "installed", "notes-0.1.0");
    await opened.extractTo(target);
    expect(opened.manifest.root).toBe(target);
    expect(await readFile(path.join(target, "dist/plugin.js"))).toEqual(
      bodyOf(signedEntries, "dist/plugin.js"),
    );
    expect(await readFile(path.join(target, "roa2web-package.sig"), "utf8")).toContain(
      publisher.keyId,
    );
    expect(await readdir(staging)).toEqual([]);
  });

  it("refuses a package with one byte of one file changed, naming the file", async () => {
    const tampered = change(signedEntries, "dist/routes/notes.js", (old) => {
      const copy = Buffer.from(old);
      copy[10] = (copy[10] as number) ^ 1;
      return copy;
    });
    const error = await expectRefused(
      makeArchive(tampered),
      "PACKAGE_HASH_MISMATCH",
      "package/dist/routes/notes.js of notes@0.1.0 is not the file that was packed",
    );
    expect(error.details).toMatchObject({ file: "dist/routes/notes.js", name: "notes" });
  });

  it("refuses a file added after packing, and one dropped", async () => {
    await expectRefused(
      makeArchive([
        ...signedEntries,
        { path: "package/dist/routes/extra.js", body: Buffer.from("x") },
      ]),
      "PACKAGE_UNLISTED_FILE",
      "package/dist/routes/extra.js, which its index does not list",
    );
    await expectRefused(
      makeArchive(signedEntries.filter((entry) => entry.path !== "package/dist/plugin.js")),
      "PACKAGE_MISSING_FILE",
      "package/dist/plugin.js of notes@0.1.0 is listed in its index but missing",
    );
  });

  it("refuses a signature taken from another package signed by the same key", async () => {
    const other = path.join(work, "other.roa2web.tgz");
    await writeFile(other, unsigned);
    await signPackage(other, publisher.privateKeyPem);
    const otherSignature = bodyOf(await readArchive(await readFile(other)), "roa2web-package.sig");
    await expectRefused(
      makeArchive(change(signedEntries, "roa2web-package.sig", () => otherSignature)),
      "PACKAGE_BAD_SIGNATURE",
      `does not match its contents for key ${publisher.keyId}`,
    );
  });

  it("refuses a changed index even when its hashes agree with the changed files", async () => {
    const evil = Buffer.from("export default 1;\n");
    const index = JSON.parse(bodyOf(signedEntries, "roa2web-package.json").toString());
    const { createHash } = await import("node:crypto");
    index.files["dist/routes/notes.js"] = createHash("sha256").update(evil).digest("hex");
    const forged = change(
      change(signedEntries, "dist/routes/notes.js", () => evil),
      "roa2web-package.json",
      () => Buffer.from(JSON.stringify(index)),
    );
    await expectRefused(
      makeArchive(forged),
      "PACKAGE_BAD_SIGNATURE",
      "changed after it was signed",
    );
  });

  it("refuses a key the server does not trust in production, and warns in development", async () => {
    const strangers = { trustedKeys: [parseTrustedKey(stranger.publicKey)] };
    await expectRefused(
      signed,
      "PACKAGE_UNTRUSTED_KEY",
      `signed by key ${publisher.keyId}, which this server does not trust`,
      strangers,
    );
    const opened = await openPackage(signed, options({ ...strangers, requireSignature: false }));
    expect(opened.signature).toEqual({ keyId: publisher.keyId, trusted: false });
    expect(opened.warnings[0]).toContain(`signed by key ${publisher.keyId}, which is not trusted`);
    await opened.dispose();
    expect(await readdir(staging)).toEqual([]);
  });

  it("refuses an unsigned package when a signature is required, and warns otherwise", async () => {
    await expectRefused(unsigned, "PACKAGE_UNSIGNED", 'sign it with "roa2web plugin sign');
    const opened = await openPackage(unsigned, options({ requireSignature: false }));
    expect(opened.signature).toBeUndefined();
    expect(opened.warnings).toEqual(["unsigned package (allowed in development)"]);
    await opened.dispose();
  });

  it("refuses an index that names another plugin than its manifest", async () => {
    const entries = await readArchive(unsigned);
    const index = JSON.parse(bodyOf(entries, "roa2web-package.json").toString());
    const renamed = change(entries, "roa2web-package.json", () =>
      Buffer.from(JSON.stringify({ ...index, name: "payroll" })),
    );
    await expectRefused(makeArchive(renamed), "PACKAGE_BAD_MANIFEST", 'name "notes" ≠ "payroll"', {
      requireSignature: false,
    });
  });

  it("refuses native code the manifest does not declare, even when the index lists it", async () => {
    const entries = await readArchive(unsigned);
    const addon = Buffer.from("\x7fELF not really");
    const index = JSON.parse(bodyOf(entries, "roa2web-package.json").toString());
    const { createHash } = await import("node:crypto");
    index.files["dist/addon.node"] = createHash("sha256").update(addon).digest("hex");
    const withAddon = [
      ...change(entries, "roa2web-package.json", () => Buffer.from(JSON.stringify(index))),
      { path: "package/dist/addon.node", body: addon },
    ];
    await expectRefused(
      makeArchive(withAddon),
      "PACKAGE_NATIVE_MODULE",
      "package/dist/addon.node",
      {
        requireSignature: false,
      },
    );
  });
});

describe("a hostile archive", () => {
  const index = (files: Record<string, string> = {}) => ({
    path: "package/roa2web-package.json",
    body: Buffer.from(
      JSON.stringify({
        format: 1,
        name: "x",
        version: "1.0.0",
        kernel: "*",
        files,
        external: [],
        bundled: [],
        native: [],
        createdAt: "now",
      }),
    ),
  });
  const file = (name: string) => ({ path: name, body: Buffer.from("console.log(1)") });
  const dev = { requireSignature: false };

  it.each([
    ["a path climbing out with ..", "package/../../evil.js", "has an empty, . or .. segment"],
    ["an absolute path", "/etc/cron.d/evil", "has an absolute path"],
    ["a drive letter", "C:/Windows/evil.js", "starts with a drive letter"],
    ["a backslash", "package\\..\\evil.js", "has a backslash"],
  ])("is refused for %s before anything is written", async (_, name, message) => {
    await expectRefused(makeArchive([index(), file(name)]), "PACKAGE_UNSAFE_PATH", message, dev);
    expect(await readdir(work)).not.toContain("evil.js");
  });

  it("is refused for a symbolic link, a hard link or a device", async () => {
    for (const [type, message] of [
      ["SymbolicLink", "is a symbolic link"],
      ["Link", "is a hard link"],
      ["CharacterDevice", "is a CharacterDevice entry"],
    ] as const) {
      const link = {
        path: "package/dist/plugin.js",
        type,
        linkpath: type === "CharacterDevice" ? undefined : "/etc/passwd",
      };
      await expectRefused(makeArchive([index(), link]), "PACKAGE_UNSAFE_PATH", message, dev);
    }
  });

  it("is refused for an entry outside package/ and for a file given twice", async () => {
    await expectRefused(
      makeArchive([index(), file("other/x.js")]),
      "PACKAGE_UNLISTED_FILE",
      "is outside package/",
      dev,
    );
    await expectRefused(
      makeArchive([index(), file("package/a.js"), file("package/A.js")]),
      "PACKAGE_MALFORMED",
      '"A.js" twice',
      dev,
    );
  });

  it("is refused past the file count and the size limits, a gzip bomb included", async () => {
    const many = Array.from({ length: 20 }, (_, n) => file(`package/f${n}.js`));
    await expectRefused(
      makeArchive([index(), ...many]),
      "PACKAGE_TOO_LARGE",
      "more than 10 files",
      {
        ...dev,
        maxFiles: 10,
      },
    );
    // 64 MiB of zeros gzip to about 64 KiB: refused once 1 MiB has come out of gunzip.
    const bomb = makeArchive([
      index(),
      { path: "package/zeros.js", body: Buffer.alloc(64 * 1024 * 1024) },
    ]);
    expect(bomb.length).toBeLessThan(1024 * 1024);
    await expectRefused(bomb, "PACKAGE_TOO_LARGE", "larger than 1048576 bytes", {
      ...dev,
      maxBytes: 1024 * 1024,
    });
  });

  it("is refused when it is not a gzip'd tar, or has no index", async () => {
    await expectRefused(
      Buffer.from("PK\x03\x04 a zip"),
      "PACKAGE_MALFORMED",
      "not a gzip'd tar",
      dev,
    );
    await expectRefused(
      gzipSync(Buffer.from("not a tar at all".repeat(100))),
      "PACKAGE_MALFORMED",
      /tar|index/,
      dev,
    );
    await expectRefused(
      makeArchive([file("package/a.js")]),
      "PACKAGE_MALFORMED",
      "no package/roa2web-package.json",
      dev,
    );
  });
});

describe("trusted keys", () => {
  it("read the text keygen prints and refuse anything else with what to write", () => {
    const key = parseTrustedKey(` ${publisher.publicKey}\n`);
    expect(key).toMatchObject({ keyId: publisher.keyId, text: publisher.publicKey });
    for (const bad of [
      "",
      "ed25519:",
      "rsa:AAAA",
      `${publisher.publicKey}AA`,
      `ed25519:${"A".repeat(40)}`,
    ]) {
      expect(() => parseTrustedKey(bad)).toThrow(/ed25519:<base64 of 32 bytes>/);
    }
  });
});
