/** @roa2web/kernel/testing as a plugin author uses it, with the kernel's fixture plugins. */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { createEventRef, createServiceRef } from "@roa2web/plugin-sdk";
import type { MigrationInterface, QueryRunner } from "typeorm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestCache, openPluginDatabase, startTestKernel, type TestKernel } from "./index.js";

const FIXTURES = fileURLToPath(new URL("../../test/fixtures/plugins", import.meta.url));
const good = path.join(FIXTURES, "good");
// The good fixture's contract, as a test imports it from a contract package.
const counter = createServiceRef<{ instance: number; count(): number }>({
  id: "good.counter",
  version: "1.0.0",
});
const pinged = createEventRef<{ from: string }>({ id: "good.pinged", version: "1.0.0" });

describe("a kernel with one plugin", () => {
  let t: TestKernel;
  beforeAll(async () => {
    t = await startTestKernel({ plugins: [good], listen: true });
  });
  afterAll(async () => t?.close());

  it("discovers only the plugin it was given, from its own folder", () => {
    expect(t.kernel.plugins.list().map((record) => [record.name, record.state])).toEqual([
      ["good", "enabled"],
    ]);
    expect(t.plugin("good").root).toBe(good);
    expect(() => t.plugin("notes")).toThrow('no plugin named "notes" (known: good)');
  });

  it("signs in as demo and sends the token with inject", async () => {
    const token = await t.login();
    const response = await t.inject({ method: "GET", url: "/api/good/ping", token });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ pong: true, user: "demo" });
    const anonymous = await t.inject({ method: "GET", url: "/api/good/ping" });
    expect(anonymous.statusCode).toBe(401);
    await expect(t.login("demo", "wrong")).rejects.toThrow('login as "demo" failed: 401');
  });

  it("creates users with exactly the grants asked, for 403 tests", async () => {
    const writer = await t.createUser({ permissions: ["good:write"], companies: [1] });
    expect(writer.username).toMatch(/^test-user-\d+$/);
    const refused = await t.inject({ method: "GET", url: "/api/good/ping", token: writer.token });
    expect(refused.statusCode).toBe(403);
    expect(refused.json().error).toMatchObject({
      code: "FORBIDDEN",
      details: { permission: "good:read" },
    });
    const reader = await t.createUser({ username: "Reader", permissions: ["good:*"] });
    expect(reader).toMatchObject({ username: "reader", password: "Reader-password" });
    const allowed = await t.inject({ method: "GET", url: "/api/good/ping", token: reader.token });
    expect(allowed.json()).toMatchObject({ user: "reader" });
    expect(await t.login("reader", "Reader-password")).toEqual(expect.any(String));
    const grants = await t.kernel.container.cradle["core.users"].grantsOf(writer.id);
    expect(grants).toEqual({
      username: writer.username,
      permissions: ["good:write"],
      companies: [1],
    });
  });

  it("reports the plugin's health, its database, its services and its events", async () => {
    expect(await t.health("good")).toMatchObject({
      name: "good",
      version: "1.2.3",
      state: "enabled",
      status: "up",
    });
    await expect(t.health("other")).rejects.toThrow('/health lists no plugin named "other"');
    const tables = await t.database("good").query("SELECT name FROM migrations");
    expect(tables).toHaveLength(1);
    expect(existsSync(path.join(t.dataDir, "plugins", "good", "good.db"))).toBe(true);
    expect(t.service(counter).asSystem("a test").count()).toBeGreaterThan(0);
    const seen: unknown[] = [];
    t.on(pinged, (payload, { sender }) => void seen.push({ payload, sender }));
    const token = await t.login();
    await t.inject({ method: "POST", url: "/api/good/emit", token });
    await new Promise((resolve) => setImmediate(resolve));
    expect(seen).toEqual([{ payload: { from: "good" }, sender: "good" }]);
  });

  it("listens on a loopback port when asked", async () => {
    expect(t.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const response = await fetch(`${t.url}/api/good/public`);
    expect(await response.json()).toEqual({ open: true });
  });
});

describe("starting and closing", () => {
  it("throws with the failed step when a given plugin does not start", async () => {
    const broken = path.join(FIXTURES, "throws-on-start");
    await expect(startTestKernel({ plugins: [good, broken] })).rejects.toThrow(
      `plugin "throws-on-start" (${broken}) did not start: it failed at step "start": cannot reach the printer`,
    );
    const t = await startTestKernel({ plugins: [broken], requireStarted: false });
    expect(t.plugin("throws-on-start").state).toBe("failed");
    await t.close();
  });

  it("switches on a plugin that is off by default, unless the env says otherwise", async () => {
    const offByDefault = path.join(FIXTURES, "bad-migration");
    await expect(startTestKernel({ plugins: [offByDefault] })).rejects.toThrow(
      'failed at step "migrate"',
    );
    await expect(
      startTestKernel({ plugins: [offByDefault], env: { MODULE_BAD_MIGRATION_ENABLED: "false" } }),
    ).rejects.toThrow("it is disabled (set MODULE_BAD_MIGRATION_ENABLED=true");
  });

  it("refuses a folder that is not a plugin package", async () => {
    await expect(startTestKernel({ plugins: [FIXTURES] })).rejects.toThrow(
      `${FIXTURES} holds no package.json: give each plugin package's own folder`,
    );
    const notAPlugin = fileURLToPath(new URL("../..", import.meta.url));
    await expect(startTestKernel({ plugins: [notAPlugin] })).rejects.toThrow(
      "package.json has no roa2web manifest with a name",
    );
  });

  it("deletes its temporary files on close", async () => {
    const t = await startTestKernel();
    expect(t.kernel.plugins.list()).toEqual([]);
    expect(existsSync(t.dataDir)).toBe(true);
    await t.close();
    await t.close();
    expect(existsSync(path.dirname(t.dataDir))).toBe(false);
  });
});

describe("a kernel with every plugin of a folder", () => {
  it("scans the folders as PLUGINS_DIR: each plugin keeps its default and need not start", async () => {
    const t = await startTestKernel({
      pluginFolders: [FIXTURES],
      env: { MODULE_EXCLUSIVE_ENABLED: "false" },
    });
    try {
      const states = Object.fromEntries(
        t.kernel.plugins.list().map((record) => [record.name, record.state]),
      );
      expect(states).toMatchObject({
        good: "enabled",
        "throws-on-start": "failed",
        "bad-migration": "disabled", // enabledByDefault: false in its manifest
        exclusive: "disabled", // switched off by env
      });
      expect(t.plugin("good").root).toBe(good);
      const token = await t.login();
      const response = await t.inject({ method: "GET", url: "/api/good/ping", token });
      expect(response.statusCode).toBe(200);
    } finally {
      await t.close();
    }
  });

  it("refuses a folder whose name would split the PLUGINS_DIR list", async () => {
    await expect(startTestKernel({ pluginFolders: ["/tmp/a,b"] })).rejects.toThrow(
      "a plugin folder cannot contain a comma: /tmp/a,b",
    );
  });
});

describe("the cache a plugin gets, without a kernel", () => {
  it("namespaces a plugin's keys, computes once per key and invalidates by prefix", async () => {
    const cache = await createTestCache();
    try {
      const reports = cache.namespaced("reports");
      await reports.set("dashboard:1", { total: 10 }, { ttlMs: 60_000 });
      expect((await cache.get("reports:dashboard:1"))?.value).toEqual({ total: 10 });
      expect(await cache.get("dashboard:1")).toBeUndefined();
      let computed = 0;
      const compute = async () => ++computed;
      expect((await reports.wrap("aging:1", compute)).source).toBe("MISS");
      expect(await reports.wrap("aging:1", compute)).toMatchObject({ value: 1, source: "HIT-L1" });
      expect(await reports.invalidatePrefix("")).toBe(2);
      expect(await reports.get("dashboard:1")).toBeUndefined();
    } finally {
      await cache.close();
    }
  });
});

describe("a plugin database opened as the kernel opens it", () => {
  class CreateThings1700000000001 implements MigrationInterface {
    name = "CreateThings1700000000001";
    async up(runner: QueryRunner) {
      await runner.query("CREATE TABLE owners (id INTEGER PRIMARY KEY)");
      await runner.query(
        "CREATE TABLE things (id INTEGER PRIMARY KEY, owner INTEGER NOT NULL REFERENCES owners(id), label TEXT NOT NULL)",
      );
    }
    async down(runner: QueryRunner) {
      await runner.query("DROP TABLE things");
      await runner.query("DROP TABLE owners");
    }
  }
  class HalfDone1700000000002 implements MigrationInterface {
    name = "HalfDone1700000000002";
    async up(runner: QueryRunner) {
      await runner.query("ALTER TABLE things ADD COLUMN colour TEXT");
      await runner.query("SELECT * FROM nowhere");
    }
    async down() {}
  }

  it("applies pending migrations in one transaction, with foreign keys enforced", async () => {
    const folder = mkdtempSync(path.join(os.tmpdir(), "roa2web-kit-db-"));
    const file = path.join(folder, "things.db");
    try {
      const first = await openPluginDatabase({
        file,
        entities: [],
        migrations: [CreateThings1700000000001],
      });
      expect(first.appliedMigrations).toEqual(["CreateThings1700000000001"]);
      await first.dataSource.query("INSERT INTO owners (id) VALUES (1)");
      await first.dataSource.query("INSERT INTO things (owner, label) VALUES (1, 'kept')");
      await expect(
        first.dataSource.query("INSERT INTO things (owner, label) VALUES (2, 'orphan')"),
      ).rejects.toThrow(/FOREIGN KEY/);
      await first.dataSource.destroy();

      await expect(
        openPluginDatabase({
          file,
          entities: [],
          migrations: [CreateThings1700000000001, HalfDone1700000000002],
        }),
      ).rejects.toThrow(/nowhere/);
      const again = await openPluginDatabase({
        file,
        entities: [],
        migrations: [CreateThings1700000000001],
      });
      expect(again.appliedMigrations).toEqual([]);
      const columns = await again.dataSource.query("SELECT name FROM pragma_table_info('things')");
      expect(columns.map((column: { name: string }) => column.name)).not.toContain("colour");
      expect(await again.dataSource.query("SELECT label FROM things")).toEqual([{ label: "kept" }]);
      await again.dataSource.destroy();
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});

describe("the built entry", () => {
  it("runs under plain Node, without a test runner", () => {
    const entry = fileURLToPath(new URL("../../dist/testing.js", import.meta.url));
    const script = `
      const { startTestKernel } = await import(${JSON.stringify(entry)});
      const t = await startTestKernel({ plugins: [${JSON.stringify(good)}] });
      const token = await t.login();
      const response = await t.inject({ method: "GET", url: "/api/good/ping", token });
      await t.close();
      console.log(response.statusCode);`;
    const result = spawnSync(process.execPath, ["--input-type=module", "-e", script], {
      encoding: "utf8",
    });
    expect(result.stderr).toBe("");
    expect(result.stdout.trim()).toBe("200");
  });

  it("imports no test runner (the kernel's runtime does not depend on one)", () => {
    const dist = fileURLToPath(new URL("../../dist/", import.meta.url));
    const modules = readdirSync(dist).filter((file) => file.endsWith(".js"));
    expect(modules).toContain("testing.js");
    for (const file of modules)
      expect(readFileSync(path.join(dist, file), "utf8")).not.toMatch(/from ["']vitest["']/);
  });
});
