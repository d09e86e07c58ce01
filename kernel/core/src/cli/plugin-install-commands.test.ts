// `roa2web plugin install|upgrade|remove|list` against a running kernel over real HTTP.
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { packPlugin } from "../packages/index.js";
import { startTestKernel, type TestKernel } from "../testing/index.js";
import { runPluginCommand } from "./plugin-command.js";

const NOTES = fileURLToPath(new URL("../../../../plugins/examples/notes", import.meta.url));
const work = mkdtempSync(path.join(os.tmpdir(), "plugin-install-cli-"));
let t: TestKernel;
let notesPackage: string;

beforeAll(async () => {
  ({ file: notesPackage } = await packPlugin(NOTES, { outDir: path.join(work, "out") }));
  // No plugin folders: notes arrives only as a package.
  t = await startTestKernel({ listen: true });
}, 120_000);
afterAll(async () => {
  await t?.close();
  rmSync(work, { recursive: true, force: true });
});

async function roa2web(args: string[], env: Record<string, string> = {}) {
  let out = "";
  let err = "";
  const code = await runPluginCommand(args, {
    out: (text) => {
      out += text;
    },
    err: (text) => {
      err += text;
    },
    env: { ROA2WEB_USER: "demo", ROA2WEB_PASSWORD: "demo", ...env },
  });
  return { code, out, err };
}

describe("roa2web plugin install, upgrade, remove, list", () => {
  it("installs into the running server, lists it, refuses it twice, removes it", async () => {
    const server = ["--server", t.url];
    const upgrade = await roa2web(["upgrade", notesPackage, ...server]);
    expect(upgrade.code).toBe(1);
    expect(upgrade.err).toContain('no package named "notes" is installed');

    const install = await roa2web(["install", notesPackage, ...server]);
    expect(install, install.err).toMatchObject({ code: 0 });
    expect(install.out).toContain(`install: notes 0.1.0 is serving on ${t.url}`);
    expect(install.out).toContain("unsigned");
    expect(install.out).toMatch(/new permissions[^\n]*\n {2}notes:read/);
    expect(install.err).toContain("warning: unsigned package");
    expect(t.plugin("notes")).toMatchObject({ state: "enabled", source: "package" });

    const list = await roa2web(["list", ...server]);
    expect(list.code).toBe(0);
    expect(list.out).toMatch(/^notes\t0\.1\.0\tactive\tunsigned\tdemo\t/);

    const twice = await roa2web(["install", notesPackage, ...server]);
    expect(twice.code).toBe(65);
    expect(twice.err).toContain("refused (409 PACKAGE_ALREADY_INSTALLED)");

    const remove = await roa2web(["remove", "notes", ...server]);
    expect(remove).toMatchObject({ code: 0 });
    expect(remove.out).toContain("removed notes (0.1.0); its data is kept");
    expect(t.kernel.plugins.get("notes")).toBeUndefined();
  });

  it("upgrades the plugin the package's manifest names, whatever the file is called", async () => {
    const server = ["--server", t.url];
    const { file: newer } = await packPlugin(NOTES, {
      outDir: path.join(work, "newer"),
      version: "0.1.1",
    });
    const renamed = path.join(work, "x.tgz");
    copyFileSync(notesPackage, renamed);
    // Notes is not installed: an upgrade of it is refused, whatever the file's name says.
    const notInstalled = await roa2web(["upgrade", renamed, ...server]);
    expect(notInstalled.code).toBe(1);
    expect(notInstalled.err).toContain(
      'x.tgz is a package of plugin "notes", and no package named "notes" is installed',
    );
    expect(t.kernel.plugins.get("notes")).toBeUndefined();
    const misnamed = path.join(work, "reports-9.9.9.roa2web.tgz");
    copyFileSync(notesPackage, misnamed);
    expect((await roa2web(["upgrade", misnamed, ...server])).err).toContain(
      'a package of plugin "notes", and no package named "notes" is installed',
    );
    expect(t.kernel.plugins.get("notes")).toBeUndefined();

    expect((await roa2web(["install", renamed, ...server])).code).toBe(0);
    const copy = path.join(work, "x-copy.tgz");
    copyFileSync(newer, copy);
    const upgrade = await roa2web(["upgrade", copy, ...server]);
    expect(upgrade, upgrade.err).toMatchObject({ code: 0 });
    expect(upgrade.out).toContain("upgrade: notes 0.1.1 (was 0.1.0) is serving");
    expect(t.plugin("notes")).toMatchObject({ state: "enabled", manifest: { version: "0.1.1" } });

    const junk = path.join(work, "junk.roa2web.tgz");
    writeFileSync(junk, "not a package");
    const unreadable = await roa2web(["upgrade", junk, ...server]);
    expect(unreadable.code).toBe(65);
    expect(unreadable.err).toContain(
      "junk.roa2web.tgz is not a plugin package this command can read (PACKAGE_MALFORMED",
    );
    expect((await roa2web(["remove", "notes", ...server])).code).toBe(0);
  });

  it("says so when no server answers, when the password is wrong, and on bad usage", async () => {
    const nobody = await roa2web(["list", "--server", "http://127.0.0.1:9"]);
    expect(nobody.code).toBe(1);
    expect(nobody.err).toContain("no roa2web server answers at http://127.0.0.1:9");
    const wrong = await roa2web(["list", "--server", t.url], { ROA2WEB_PASSWORD: "nope" });
    expect(wrong.code).toBe(65);
    expect(wrong.err).toContain("wrong user or password?");
    const usage = await roa2web(["remove"]);
    expect(usage.code).toBe(64);
    expect(usage.err).toContain("needs exactly one plugin name");
    const help = await roa2web(["help"]);
    expect(help.out).toContain("roa2web plugin install <package file> [--force]");
  });
});
