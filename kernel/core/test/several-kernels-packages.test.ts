// Plugin packages stored once and applied by every kernel (ADR 0033, issue #18): three
// kernels behind nginx on one PostgreSQL and one Redis, each with its own DATA_DIR. A
// package installed, upgraded or removed through any one of them is served, new or gone
// on all; a kernel started later installs what is active from the database before it
// discovers its plugins; a kernel that does not trust the package's signer refuses it
// and the others say it is behind.
import { readFileSync } from "node:fs";
import path from "node:path";
import { describeWithServers } from "@roa2web/test-servers";
import { afterAll, beforeAll, expect, it } from "vitest";
import { waitFor } from "../../../plugins/telegram/src/fake-bot-api.js";
import { generatePackageKeyPair, packPlugin } from "../src/packages/index.js";
import { useKernelCluster } from "./helpers/kernel-cluster.js";
import {
  type PluginSpec,
  temporaryPluginHome,
  writePluginFolder,
} from "./helpers/plugin-folders.js";
import type { ServerProcess } from "./helpers/server-process.js";

const home = temporaryPluginHome();
const trusted = generatePackageKeyPair();
const stranger = generatePackageKeyPair();

async function pack(spec: PluginSpec): Promise<Buffer> {
  const folder = writePluginFolder(
    path.join(home.dir, "sources"),
    spec,
    path.join(home.dir, "sources", `${spec.name}-${spec.version}`),
  );
  const { file } = await packPlugin(folder, {
    outDir: path.join(home.dir, "packages", spec.version),
    privateKeyPem: trusted.privateKeyPem,
  });
  return readFileSync(file);
}

interface PackageView {
  version: string;
  previous_version: string | null;
  kernels: Array<{ kernel: string; serving_version: string | null; failure: string | null }>;
  behind: string[];
}

describeWithServers(["postgres", "redis", "nginx"], "plugin packages on three kernels", () => {
  const cluster = useKernelCluster({
    env: {
      PLUGIN_SYNC_INTERVAL_MS: "300",
      PLUGIN_TRUSTED_KEYS: trusted.publicKey,
      DATA_ENTRY_OCR_ENABLED: "false",
    },
  });
  const { kernel } = cluster;
  const archives: Record<string, Buffer> = {};
  /** Every kernel that should serve what is installed (a later one joins them). */
  const serving: ServerProcess[] = [];

  beforeAll(async () => {
    serving.push(...cluster.kernels);
    archives.v1 = await pack({
      name: "shop",
      version: "1.0.0",
      routes: ["hello"],
      tables: ["items"],
    });
    archives.v2 = await pack({
      name: "shop",
      version: "2.0.0",
      routes: ["hello", "extra"],
      tables: ["items", "orders"],
    });
  });
  afterAll(() => home.remove());

  const call = async (base: string, method: string, url: string, body?: FormData) => {
    const response = await fetch(`${base}${url}`, {
      method,
      headers: { authorization: `Bearer ${cluster.token}` },
      body,
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : undefined };
  };
  const install = (base: string, archive: Buffer) => {
    const form = new FormData();
    form.append("file", new Blob([archive]), "shop.roa2web.tgz");
    return call(base, "POST", "/api/kernel/plugins/packages", form);
  };
  /** The version `GET /api/shop/<route>` answers with on this kernel, or its status. */
  const served = async (base: string, route = "hello") => {
    const response = await fetch(`${base}/api/shop/${route}`);
    if (response.status !== 200) return response.status;
    return ((await response.json()) as { version: string }).version;
  };
  const shopOn = async (base: string) => {
    const { body } = await call(base, "GET", "/api/kernel/plugins");
    return (
      body.items as Array<{ name: string; version: string; package: PackageView | null }>
    ).find((item) => item.name === "shop");
  };
  const allServe = async (version: string | number, route = "hello") => {
    for (const [index, each] of serving.entries())
      await waitFor(
        async () => (await served(each.base, route)) === version,
        `kernel ${index} answers ${version} on ${route}`,
        15_000,
      );
  };

  it("installs a package through kernel 0 and every kernel serves it", async () => {
    expect(await served(kernel(1).base)).toBe(404);
    const installed = await install(kernel(0).base, archives.v1 as Buffer);
    expect(installed.status, JSON.stringify(installed.body)).toBe(200);
    await allServe("1.0.0");
    // Each kernel installed it from the shared store itself, verified by its own keys.
    for (const index of [1, 2])
      await kernel(index).waitForLine(
        (line) =>
          line.msg === "Plugin package changed on another kernel: installed here too" &&
          line.plugin === "shop" &&
          line.version === "1.0.0",
      );
    // /api/kernel/plugins agrees on all, and says no kernel is behind.
    for (const each of serving) {
      await waitFor(
        async () => ((await shopOn(each.base))?.package?.kernels.length ?? 0) === 3,
        "three outcomes",
        10_000,
      );
      const shop = await shopOn(each.base);
      expect(shop?.version).toBe("1.0.0");
      expect(shop?.package?.version).toBe("1.0.0");
      expect(shop?.package?.behind).toEqual([]);
    }
  });

  it("upgrades through kernel 1 and every kernel serves the new version within seconds", async () => {
    const upgraded = await install(kernel(1).base, archives.v2 as Buffer);
    expect(upgraded.status, JSON.stringify(upgraded.body)).toBe(200);
    expect(upgraded.body.kind).toBe("upgrade");
    await allServe("2.0.0");
    await allServe("2.0.0", "extra");
    for (const each of serving) {
      const shop = await shopOn(each.base);
      expect(shop?.version).toBe("2.0.0");
      expect(shop?.package?.previous_version).toBe("1.0.0");
    }
  });

  it("a kernel started later, on an empty DATA_DIR, installs what is active before it serves", async () => {
    const late = await cluster.add();
    // At its first request: installed at start, not by a later sync round.
    expect(await served(late.base)).toBe("2.0.0");
    expect(await served(late.base, "extra")).toBe("2.0.0");
    expect(
      late.lines.some(
        (line) => line.msg === "Plugin package installed at start from the shared store",
      ),
    ).toBe(true);
    serving.push(late);
  });

  it("a kernel that does not trust the signer refuses the package, and the others say it is behind", async () => {
    const wary = await cluster.add({
      ROA2WEB_ENV: "production",
      ALLOW_DEMO_ERP_IN_PRODUCTION: "true",
      HOST: "127.0.0.1",
      PLUGIN_TRUSTED_KEYS: stranger.publicKey,
    });
    expect(await served(wary.base)).toBe(404);
    const refused = wary.lines.find(
      (line) =>
        line.msg ===
        "Plugin package could not be installed at start; the version kept before, if this kernel has it, serves",
    );
    expect(String(refused?.reason)).toMatch(/does not trust/);
    const shop = await shopOn(kernel(0).base);
    expect(shop?.package?.behind).toHaveLength(1);
    const behind = shop?.package?.kernels.find((entry) => entry.kernel === shop.package?.behind[0]);
    expect(behind?.serving_version).toBeNull();
    expect(behind?.failure).toMatch(/trusted/i);
    wary.child.kill("SIGTERM");
    await wary.exited;
  });

  it("removes through kernel 2 and the package is gone on every kernel", async () => {
    const removed = await call(kernel(2).base, "DELETE", "/api/kernel/plugins/shop/package");
    expect(removed.status, JSON.stringify(removed.body)).toBe(200);
    await allServe(404);
    for (const each of serving) {
      await waitFor(async () => (await shopOn(each.base)) === undefined, "shop not listed", 10_000);
      const packages = await call(each.base, "GET", "/api/kernel/plugins/packages");
      expect(packages.body.items).toEqual([]);
    }
  });
});
