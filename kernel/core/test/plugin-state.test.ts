// What an administrator's plugin changes leave behind: enable/disable kept across a
// restart, a rescan that picks up new and fixed plugin folders, a reload that reads
// the plugin's settings again, and a failed reload that leaves exactly the old instance.
import {
  cpSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { startTestKernel as startKit, type TestKernel } from "../src/testing/index.js";
import { FIXTURE_PLUGINS, inject } from "./helpers/test-kernel.js";

declare global {
  var __goodFixtureStops: number | undefined;
}

const KERNEL_MODULES = fileURLToPath(new URL("../node_modules", import.meta.url));
const FAULTY = fileURLToPath(new URL("./fixtures/faulty-plugins/faulty", import.meta.url));
const temps: string[] = [];
afterAll(() => {
  for (const folder of temps) rmSync(folder, { recursive: true, force: true });
});
function tempDir(label: string): string {
  const folder = mkdtempSync(path.join(os.tmpdir(), `roa2web-${label}-`));
  temps.push(folder);
  return folder;
}

/**
 * A plugins folder outside the workspace whose plugins resolve `@roa2web/plugin-sdk`
 * as the fixtures do (through the kernel's node_modules, linked beside the folder).
 */
function pluginsFolder(label: string): string {
  const parent = tempDir(label);
  symlinkSync(KERNEL_MODULES, path.join(parent, "node_modules"), "junction");
  const folder = path.join(parent, "plugins");
  mkdirSync(folder);
  return folder;
}

async function admin(t: TestKernel, url: string) {
  return inject(t.kernel, {
    method: "POST",
    url,
    headers: { authorization: `Bearer ${await t.login()}` },
  });
}

/** A copy of the faulty fixture under another name and prefix, with its manifest edited. */
function pluginCopy(
  parent: string,
  name: string,
  edit: (manifest: Record<string, unknown>) => void = () => {},
) {
  const folder = path.join(parent, name);
  cpSync(FAULTY, folder, { recursive: true });
  const file = path.join(folder, "package.json");
  const pkg = JSON.parse(readFileSync(file, "utf8"));
  pkg.roa2web.name = name;
  pkg.roa2web.prefix = `/api/${name}`;
  edit(pkg.roa2web);
  writeFileSync(file, JSON.stringify(pkg, null, 2));
  return folder;
}

describe("enable and disable survive a restart", () => {
  it("keeps an administrator's choice over MODULE_<NAME>_ENABLED, which only sets the default", async () => {
    const dataDir = tempDir("plugin-state");
    const good = path.join(FIXTURE_PLUGINS, "good");
    // The kit switches the named plugin on (MODULE_GOOD_ENABLED=true) for every kernel.
    const boot = () =>
      startKit({ plugins: [good], env: { DATA_DIR: dataDir }, requireStarted: false });

    const first = await boot();
    expect(first.kernel.plugins.get("good")?.state).toBe("enabled");
    expect((await admin(first, "/api/kernel/plugins/good/disable")).statusCode).toBe(200);
    await first.close();

    const second = await boot();
    expect(second.kernel.plugins.get("good")?.state).toBe("disabled");
    expect(
      (await inject(second.kernel, { method: "GET", url: "/api/good/public" })).statusCode,
    ).toBe(404);
    expect((await admin(second, "/api/kernel/plugins/good/enable")).statusCode).toBe(200);
    await second.close();

    const third = await boot();
    expect(third.kernel.plugins.get("good")?.state).toBe("enabled");
    await third.close();
  });
});

describe("rescan", () => {
  it("retries a plugin whose manifest or code was fixed, adds new folders and drops gone ones", async () => {
    const plugins = pluginsFolder("rescan");
    pluginCopy(plugins, "late-manifest", (manifest) => {
      manifest.kernel = "^99.0.0";
    });
    const badCode = pluginCopy(plugins, "late-code");
    const entry = path.join(badCode, "plugin.js");
    const goodCode = readFileSync(entry, "utf8");
    writeFileSync(entry, `${goodCode}\nthis is not JavaScript(`);
    const t = await startKit({ env: { PLUGINS_DIR: plugins } });
    try {
      expect(t.kernel.plugins.get("late-manifest")).toMatchObject({
        state: "failed",
        failure: { step: "manifest" },
      });
      expect(t.kernel.plugins.get("late-code")).toMatchObject({
        state: "failed",
        failure: { step: "load" },
      });

      pluginCopy(plugins, "late-manifest"); // fixed: a kernel range this kernel meets
      writeFileSync(entry, goodCode);
      pluginCopy(plugins, "newcomer");
      const rescan = await admin(t, "/api/kernel/plugins/rescan");
      expect(rescan.statusCode).toBe(200);
      expect(rescan.json()).toMatchObject({
        added: ["newcomer"],
        retried: expect.arrayContaining(["late-manifest", "late-code"]),
        removed: [],
      });
      for (const name of ["late-manifest", "late-code", "newcomer"]) {
        expect(t.kernel.plugins.get(name)?.state, name).toBe("enabled");
        const ping = await inject(t.kernel, { method: "GET", url: `/api/${name}/ping` });
        expect(ping.statusCode, name).toBe(200);
      }

      expect((await admin(t, "/api/kernel/plugins/newcomer/disable")).statusCode).toBe(200);
      rmSync(path.join(plugins, "newcomer"), { recursive: true });
      const again = await admin(t, "/api/kernel/plugins/rescan");
      expect(again.json()).toMatchObject({ added: [], retried: [], removed: ["newcomer"] });
      expect(t.kernel.plugins.get("newcomer")).toBeUndefined();
    } finally {
      await t.close();
    }
  });
});

describe("reload", () => {
  it("reads the plugin's settings again (an edited config file takes effect)", async () => {
    const root = tempDir("reload-settings");
    mkdirSync(path.join(root, "config"));
    const plugins = pluginsFolder("reload-plugins");
    cpSync(FAULTY, path.join(plugins, "faulty"), { recursive: true });
    const t = await startKit({ root, env: { PLUGINS_DIR: plugins } });
    try {
      const greeting = async () =>
        (await inject(t.kernel, { method: "GET", url: "/api/faulty/ping" })).json().greeting;
      expect(await greeting()).toBe("none");
      writeFileSync(path.join(root, "config", "test.env"), "FAULTY_GREETING=bună ziua\n");
      expect((await admin(t, "/api/kernel/plugins/faulty/reload")).statusCode).toBe(200);
      expect(await greeting()).toBe("bună ziua");
    } finally {
      await t.close();
    }
  });

  it("leaves exactly the old instance running when the routes cannot be rebuilt", async () => {
    const t = await startKit({ plugins: [path.join(FIXTURE_PLUGINS, "good")] });
    try {
      const record = t.kernel.plugins.get("good");
      const old = record?.instance;
      expect(old).toBeDefined();
      const stopsBefore = globalThis.__goodFixtureStops ?? 0;
      t.kernel.plugins.attachHttp(
        async () => {
          throw new Error("route rebuild failed");
        },
        async () => undefined,
      );
      const response = await admin(t, "/api/kernel/plugins/good/reload");
      expect(response.statusCode).toBe(409);
      expect(response.json().error.message).toContain("route rebuild failed");
      expect(record?.instance).toBe(old);
      expect(record?.state).toBe("enabled");
      expect(old?.runtime.signal.aborted).toBe(false);
      // The new instance was stopped; the old one was not.
      expect(globalThis.__goodFixtureStops).toBe(stopsBefore + 1);
    } finally {
      await t.close();
    }
  });
});
