// `roa2web plugin …` as an author runs it: node dist/main.js plugin …, with no server configuration.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";

const MAIN = fileURLToPath(new URL("../../dist/main.js", import.meta.url));
const NOTES = fileURLToPath(new URL("../../../../plugins/examples/notes", import.meta.url));
const work = mkdtempSync(path.join(os.tmpdir(), "plugin-cli-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function roa2web(args: string[], env: Record<string, string> = {}) {
  const result = spawnSync(process.execPath, [MAIN, "plugin", ...args], {
    cwd: work,
    encoding: "utf8",
    // A production setting with no JWT_SECRET: the server would refuse to start.
    env: { PATH: process.env.PATH ?? "", ROA2WEB_ENV: "production", ...env },
  });
  return { code: result.status, out: result.stdout, err: result.stderr };
}

function keygen(dir: string) {
  const result = roa2web(["keygen", "--out", dir]);
  expect(result).toMatchObject({ code: 0, out: expect.stringMatching(/^ed25519:\S+\n$/) });
  const pem = readdirSync(dir).find((name) => name.endsWith(".pem")) as string;
  return { publicKey: result.out.trim(), keyFile: path.join(dir, pem) };
}

// Each run starts a Node process (about a second, several on a busy machine).
const CLI_TIMEOUT = { timeout: 180_000 };

describe("roa2web plugin", () => {
  it("keygen, pack --key, verify --trusted-key: a trusted package, exit 0", CLI_TIMEOUT, () => {
    expect(existsSync(MAIN), "build first: pnpm build (pnpm test does)").toBe(true);
    const keys = path.join(work, "keys");
    const { publicKey, keyFile } = keygen(keys);
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    expect(readFileSync(keyFile, "utf8")).toContain("BEGIN PRIVATE KEY");

    const packed = roa2web(["pack", NOTES, "--out", path.join(work, "out"), "--key", keyFile]);
    expect(packed.code, packed.err).toBe(0);
    const file = packed.out.trim();
    expect(path.basename(file)).toBe("notes-0.1.0.roa2web.tgz");

    const verified = roa2web(["verify", file, "--trusted-key", publicKey, "--require-signature"]);
    expect(verified, verified.err).toMatchObject({ code: 0 });
    expect(verified.out).toContain("notes@0.1.0: verified");
    expect(verified.out).toMatch(/signature: key [0-9a-f]{16}, trusted/);
    expect(verified.out).toContain("permissions: notes:read, notes:write");

    // The servers' own list of keys is read as well.
    expect(
      roa2web(["verify", file, "--require-signature"], { PLUGIN_TRUSTED_KEYS: publicKey }).code,
    ).toBe(0);

    const other = keygen(path.join(work, "other-keys"));
    const refused = roa2web([
      "verify",
      file,
      "--trusted-key",
      other.publicKey,
      "--require-signature",
    ]);
    expect(refused.code).toBe(65);
    expect(refused.err).toMatch(
      /PACKAGE_UNTRUSTED_KEY: notes@0\.1\.0 is signed by key [0-9a-f]{16}, which this server does not trust: add .* to PLUGIN_TRUSTED_KEYS/,
    );
  });

  it("signs an unsigned package that a server requiring signatures refused", CLI_TIMEOUT, () => {
    const { publicKey, keyFile } = keygen(path.join(work, "sign-keys"));
    const packed = roa2web(["pack", NOTES, "--out", path.join(work, "unsigned")]);
    expect(packed.code, packed.err).toBe(0);
    const file = packed.out.trim();
    const unsigned = roa2web(["verify", file, "--trusted-key", publicKey, "--require-signature"]);
    expect(unsigned).toMatchObject({ code: 65, err: expect.stringContaining("PACKAGE_UNSIGNED") });
    expect(roa2web(["verify", file]).out).toContain("warning: unsigned package");

    expect(roa2web(["sign", file, "--key", keyFile])).toMatchObject({
      code: 0,
      out: expect.stringMatching(/signed by key [0-9a-f]{16}\n$/),
    });
    expect(roa2web(["verify", file, "--trusted-key", publicKey, "--require-signature"]).code).toBe(
      0,
    );
  });

  it("answers usage errors with 64 and the usage on stderr", CLI_TIMEOUT, () => {
    expect(roa2web([])).toMatchObject({
      code: 64,
      err: expect.stringContaining("roa2web plugin pack"),
    });
    expect(roa2web(["publish"])).toMatchObject({
      code: 64,
      err: expect.stringContaining('unknown command "publish"'),
    });
    expect(roa2web(["sign", "x.roa2web.tgz"])).toMatchObject({
      code: 64,
      err: expect.stringContaining("--key"),
    });
    expect(roa2web(["verify", "x.tgz", "--trusted-key", "rsa:AAAA"])).toMatchObject({
      code: 65,
      err: expect.stringContaining("PACKAGE_BAD_KEY"),
    });
    expect(roa2web(["pack", "--help"])).toMatchObject({
      code: 0,
      out: expect.stringContaining("usage: roa2web plugin pack"),
    });
  });
});
