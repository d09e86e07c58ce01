/**
 * Following another kernel's packages (ADR 0033): kernels "a" and "b" share one kernel
 * database and have their own packages folders. What "a" installs, upgrades or removes
 * (its installer, the real store), "b" applies in a round of `follow`: fetched from the
 * shared archive, checked against the recorded SHA-256, opened by b's own opener (its
 * trusted keys), unpacked into b's folder and activated there. A version b refuses
 * leaves the one before serving, is recorded as b's outcome and is not tried every round.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { runSql } from "@roa2web/plugin-sdk";
import { pino } from "pino";
import type { DataSource } from "typeorm";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { KERNEL_MIGRATIONS } from "../database/kernel-migrations.js";
import { openSqliteDataSource } from "../database/sqlite-data-source.js";
import { KERNEL_VERSION } from "../version.js";
import { readManifest } from "./manifest.js";
import { inProcessActivator, PackageInstaller, type PackageOpener } from "./package-installer.js";
import { PackageStore } from "./package-store.js";
import type { PluginChange, PluginRecord } from "./plugin-manager.js";

const work = mkdtempSync(path.join(os.tmpdir(), "roa2web-package-follow-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const silent = pino({ level: "silent" });

/** An archive as the fake opener reads it: which plugin, which version, signed by whom. */
const archive = (version: string, signer = "k1") =>
  Buffer.from(JSON.stringify({ name: "shop", version, signer }));

function writePackageJson(dir: string, version: string): void {
  mkdirSync(path.join(dir, "dist"), { recursive: true });
  writeFileSync(path.join(dir, "dist", "plugin.js"), "export default {};\n");
  writeFileSync(
    path.join(dir, "package.json"),
    JSON.stringify({
      name: "@fixtures/shop",
      version,
      roa2web: {
        name: "shop",
        entry: "dist/plugin.js",
        kernel: ">=0.0.0",
        prefix: "/api/shop",
        permissions: {},
      },
    }),
  );
}

/**
 * The kernel's opener stand-in: trusts only `trusted` signers (the real one checks an
 * Ed25519 signature against PLUGIN_TRUSTED_KEYS, open-package.test.ts) and counts calls.
 */
function opener(trusted: string[]): { open: PackageOpener; calls: string[] } {
  const calls: string[] = [];
  const open: PackageOpener = async (bytes) => {
    const { name, version, signer } = JSON.parse(bytes.toString()) as Record<string, string>;
    calls.push(`${name}@${version}`);
    if (!trusted.includes(signer as string))
      throw Object.assign(
        new Error(
          `${name}@${version} is signed by key ${signer}, which this server does not trust`,
        ),
        { code: "PACKAGE_UNTRUSTED_KEY" },
      );
    const staging = mkdtempSync(path.join(work, "staging-"));
    writePackageJson(staging, version as string);
    return {
      name: name as string,
      version: version as string,
      manifest: readManifest(staging, KERNEL_VERSION),
      signature: { keyId: signer as string, trusted: true },
      warnings: [],
      extractTo: async (dir) => writePackageJson(dir, version as string),
      dispose: async () => rmSync(staging, { recursive: true, force: true }),
    };
  };
  return { open, calls };
}

/** A plugin manager that keeps records and runs each change at once. */
function fakePlugins() {
  const records = new Map<string, PluginRecord>();
  const activated: string[] = [];
  const view: PluginChange = {
    list: () => [...records.values()],
    get: (name) => records.get(name),
    clashOf: () => undefined,
    async activate(root, source = "package") {
      const manifest = readManifest(root, KERNEL_VERSION);
      const previous = records.get(manifest.name)?.manifest;
      const record = {
        name: manifest.name,
        root,
        source,
        manifest,
        state: "enabled",
        failure: undefined,
      } as unknown as PluginRecord;
      records.set(manifest.name, record);
      activated.push(`${manifest.name}@${manifest.version} from ${root}`);
      return { record, previous };
    },
    async remove(name) {
      const record = records.get(name) as PluginRecord;
      records.delete(name);
      activated.push(`removed ${name}`);
      return record;
    },
  };
  const manager = {
    ...view,
    change: <T>(work: (plugins: PluginChange) => Promise<T>) => work(view),
  };
  return { manager, records, activated };
}

async function kernelOn(dataSource: DataSource, name: string, trusted = ["k1"]) {
  const dir = path.join(work, `${name}-${Math.random().toString(36).slice(2)}`);
  const store = new PackageStore(dataSource, dir, name);
  const plugins = fakePlugins();
  const opened = opener(trusted);
  const installer = new PackageInstaller({
    store,
    plugins: plugins.manager as never,
    activator: inProcessActivator(),
    open: opened.open,
    production: false,
    kernelVersion: KERNEL_VERSION,
    dataDir: dir,
    logger: silent,
  });
  return { dir, store, installer, plugins, opened };
}

describe("following packages installed through another kernel", () => {
  let dataSource: DataSource;
  beforeEach(async () => {
    ({ dataSource } = await openSqliteDataSource({
      file: path.join(mkdtempSync(path.join(work, "db-")), "kernel.db"),
      entities: [],
      migrations: KERNEL_MIGRATIONS,
    }));
    return () => dataSource.destroy();
  });

  it("installs, upgrades and removes what the other kernel did, from the shared archive into its own folder", async () => {
    const a = await kernelOn(dataSource, "a");
    const b = await kernelOn(dataSource, "b");
    await a.installer.install(archive("1.0.0"), { by: "admin" });
    await b.installer.follow();
    expect(b.plugins.activated).toEqual([`shop@1.0.0 from ${path.join(b.dir, "shop", "1.0.0")}`]);
    // Nothing new: the next round does nothing.
    await b.installer.follow();
    expect(b.plugins.activated).toHaveLength(1);
    expect(
      (await b.store.outcomes()).map((o) => [o.kernel, o.servingVersion, o.failure ?? null]),
    ).toEqual([
      ["a", "1.0.0", null],
      ["b", "1.0.0", null],
    ]);

    await a.installer.install(archive("2.0.0"));
    await a.installer.install(archive("3.0.0"));
    await b.installer.follow();
    expect(b.plugins.records.get("shop")?.manifest?.version).toBe("3.0.0");
    // b keeps its own copy of the version kept for a rollback, and deletes the older one.
    expect(existsSync(path.join(b.dir, "shop", "3.0.0"))).toBe(true);
    expect(existsSync(path.join(b.dir, "shop", "1.0.0"))).toBe(false);
    // The archives of versions no longer kept are gone from the shared store too.
    expect(await a.store.archiveOf("shop", "1.0.0")).toBeUndefined();
    expect((await a.store.archiveOf("shop", "3.0.0"))?.toString()).toContain("3.0.0");

    await a.installer.uninstall("shop");
    await b.installer.follow();
    expect(b.plugins.records.has("shop")).toBe(false);
    expect(b.plugins.activated.at(-1)).toBe("removed shop");
    expect(existsSync(path.join(b.dir, "shop"))).toBe(false);
  });

  it("refuses an archive changed in the database, keeps the version before and does not retry every round", async () => {
    const a = await kernelOn(dataSource, "a");
    const b = await kernelOn(dataSource, "b");
    await a.installer.install(archive("1.0.0"));
    await b.installer.follow();
    await a.installer.install(archive("2.0.0"));
    await runSql(
      dataSource,
      "UPDATE plugin_package_archives SET archive = ? WHERE name = 'shop' AND version = '2.0.0'",
      [archive("2.0.0", "k-evil")],
    );
    const opens = b.opened.calls.length;
    await b.installer.follow();
    await b.installer.follow();
    expect(b.opened.calls).toHaveLength(opens); // refused on its hash, before opening
    expect(b.plugins.records.get("shop")?.manifest?.version).toBe("1.0.0");
    const mine = (await b.store.outcomes()).find((o) => o.kernel === "b");
    expect(mine?.servingVersion).toBe("1.0.0");
    expect(mine?.wantedVersion).toBe("2.0.0");
    expect(mine?.failure).toMatch(/SHA-256/);
    expect(existsSync(path.join(b.dir, "shop", "2.0.0"))).toBe(false);
  });

  it("verifies with its own trusted keys: a signer it does not trust leaves the version before serving", async () => {
    const a = await kernelOn(dataSource, "a", ["k1", "k2"]);
    const b = await kernelOn(dataSource, "b", ["k1"]);
    await a.installer.install(archive("1.0.0"));
    await b.installer.follow();
    await a.installer.install(archive("2.0.0", "k2"));
    await b.installer.follow();
    await b.installer.follow();
    expect(b.opened.calls).toEqual(["shop@1.0.0", "shop@2.0.0"]);
    expect(b.plugins.records.get("shop")?.manifest?.version).toBe("1.0.0");
    expect((await b.store.outcomes()).find((o) => o.kernel === "b")?.failure).toMatch(
      /does not trust/,
    );
    // A newer version it trusts is taken at once.
    await a.installer.install(archive("3.0.0"));
    await b.installer.follow();
    expect(b.plugins.records.get("shop")?.manifest?.version).toBe("3.0.0");
  });

  it("a kernel starting on an empty folder unpacks the active versions before discovery", async () => {
    const a = await kernelOn(dataSource, "a");
    await a.installer.install(archive("1.0.0"));
    await a.installer.install(archive("2.0.0"));
    const c = await kernelOn(dataSource, "c");
    expect(await c.store.activeFolders()).toEqual([]);
    await c.installer.installDesired();
    expect(await c.store.activeFolders()).toEqual([path.join(c.dir, "shop", "2.0.0")]);
    // Only the active version: the one kept for a rollback is fetched if ever wanted.
    expect(existsSync(path.join(c.dir, "shop", "1.0.0"))).toBe(false);
  });
});
