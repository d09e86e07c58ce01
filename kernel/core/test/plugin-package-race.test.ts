/**
 * What a package install reads of the plugins (their names, prefixes and UI tags) and
 * what it does with them are one step of the plugin manager's queue: a rescan that finds
 * a plugin claiming the same prefix lands wholly before the install or wholly after it.
 * Exactly one of the two gets the prefix; the other is refused, with nothing half-written.
 *
 * The installer here is the kernel's own class over the kernel's plugins, database and
 * packages folder; its opener is the kernel's, wrapped only to say when the archive is
 * open (the moment verification used to read the plugins outside the queue).
 */
import { existsSync, mkdirSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { KERNEL_MIGRATIONS } from "../src/database/kernel-migrations.js";
import { openSqliteDataSource } from "../src/database/sqlite-data-source.js";
import { packPlugin } from "../src/packages/index.js";
import { inProcessActivator, PackageInstaller } from "../src/plugins/package-installer.js";
import { openPackageFor } from "../src/plugins/package-opener.js";
import { PackageStore } from "../src/plugins/package-store.js";
import { startTestKernel, type TestKernel } from "../src/testing/index.js";
import { temporaryPluginHome, writePluginFolder } from "./helpers/plugin-folders.js";
import { REPO_ROOT } from "./helpers/test-kernel.js";

const home = temporaryPluginHome();
const workspace = path.join(home.dir, "workspace");
const pluginsDir = path.join(home.dir, "plugins-dir");
mkdirSync(workspace, { recursive: true });
mkdirSync(pluginsDir, { recursive: true });

let t: TestKernel;
let store: PackageStore;
let closeStore: () => Promise<void>;

beforeAll(async () => {
  t = await startTestKernel({
    root: REPO_ROOT,
    env: { PLUGINS_WORKSPACE_DIR: workspace, PLUGINS_DIR: pluginsDir },
  });
  const { dataSource } = await openSqliteDataSource({
    file: path.join(t.dataDir, "kernel.db"),
    entities: [],
    migrations: KERNEL_MIGRATIONS,
  });
  store = new PackageStore(dataSource, t.kernel.settings.plugins.packagesDir);
  closeStore = () => dataSource.destroy();
}, 120_000);

afterAll(async () => {
  await closeStore?.();
  await t?.close();
  home.remove();
});

/** The kernel's installer, whose opener also says when an archive is open. */
function installerSaying(opened: () => void): PackageInstaller {
  const open = openPackageFor(t.kernel.settings);
  return new PackageInstaller({
    store,
    plugins: t.kernel.plugins,
    activator: inProcessActivator(),
    open: async (archive) => {
      const package_ = await open(archive);
      opened();
      return package_;
    },
    production: false,
    kernelVersion: t.kernel.container.cradle.kernelVersion,
    dataDir: t.dataDir,
    logger: t.kernel.logger,
  });
}

describe("a package install racing a rescan for the same prefix: exactly one gets it", () => {
  it("the rescan queued first wins; the install is refused 409 with no row and no folder", async () => {
    const source = writePluginFolder(path.join(home.dir, "sources"), {
      name: "claimer",
      version: "1.0.0",
      prefix: "/api/shared",
    });
    const { file } = await packPlugin(source, { outDir: path.join(home.dir, "packages") });
    writePluginFolder(pluginsDir, { name: "squatter", version: "1.0.0", prefix: "/api/shared" });

    // The queue is busy (as during a slow enable); the rescan waits in it, then the install.
    let release = () => {};
    const busy = t.kernel.plugins.change(() => new Promise<void>((resolve) => (release = resolve)));
    const rescan = t.kernel.plugins.rescan();
    let opened = () => {};
    const open = new Promise<void>((resolve) => (opened = resolve));
    const install = installerSaying(opened)
      .install(readFileSync(file))
      .then(
        (result) => ({ result, error: undefined }),
        (error: unknown) => ({ result: undefined, error }),
      );
    // The archive is open and whatever the installer does next without the queue is done.
    await open;
    await new Promise((resolve) => setImmediate(resolve));
    release();
    await busy;

    expect(await rescan).toMatchObject({ added: ["squatter"] });
    const { result, error } = await install;
    expect(result).toBeUndefined();
    expect(error).toMatchObject({
      code: "PACKAGE_CLASH",
      statusCode: 409,
      message: 'claimer@1.0.0 cannot be installed: prefix /api/shared is taken by "squatter"',
    });
    expect(t.plugin("squatter")).toMatchObject({ state: "enabled", source: "plugins-dir" });
    expect(t.kernel.plugins.get("claimer")).toBeUndefined();
    expect(await store.versionsOf("claimer")).toEqual([]);
    const folders = path.join(t.kernel.settings.plugins.packagesDir, "claimer");
    expect(existsSync(folders) ? readdirSync(folders) : []).toEqual([]);
    const answer = await t.inject({ method: "GET", url: "/api/shared/hello" });
    expect(answer.statusCode).toBe(200);
  });

  it("the install queued first wins; the rescanned folder is refused and serves nothing", async () => {
    const source = writePluginFolder(path.join(home.dir, "sources"), {
      name: "early",
      version: "1.0.0",
      prefix: "/api/second",
      routes: ["early"],
    });
    const { file } = await packPlugin(source, { outDir: path.join(home.dir, "packages") });
    writePluginFolder(pluginsDir, {
      name: "late",
      version: "1.0.0",
      prefix: "/api/second",
      routes: ["late"],
    });

    let release = () => {};
    const busy = t.kernel.plugins.change(() => new Promise<void>((resolve) => (release = resolve)));
    let opened = () => {};
    const open = new Promise<void>((resolve) => (opened = resolve));
    const install = installerSaying(opened).install(readFileSync(file));
    await open;
    await new Promise((resolve) => setImmediate(resolve));
    const rescan = t.kernel.plugins.rescan();
    release();
    await busy;

    expect(await install).toMatchObject({ kind: "install", name: "early", version: "1.0.0" });
    expect(await rescan).toMatchObject({ added: ["late"] });
    expect(t.plugin("early")).toMatchObject({ state: "enabled", source: "package" });
    expect(t.plugin("late")).toMatchObject({
      state: "failed",
      source: "plugins-dir",
      failure: {
        step: "manifest",
        message: expect.stringContaining('prefix /api/second is taken by "early"'),
      },
    });
    expect(await store.versionsOf("early")).toMatchObject([{ version: "1.0.0", status: "active" }]);
    const early = await t.inject({ method: "GET", url: "/api/second/early" });
    expect(early.json()).toMatchObject({ route: "early", version: "1.0.0" });
    expect((await t.inject({ method: "GET", url: "/api/second/late" })).statusCode).toBe(404);
  });
});
