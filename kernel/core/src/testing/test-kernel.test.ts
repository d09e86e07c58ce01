/** @roa2web/kernel/testing as a plugin author uses it, with the kernel's fixture plugins. */
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestKernel, type TestKernel } from "./index.js";

const FIXTURES = fileURLToPath(new URL("../../test/fixtures/plugins", import.meta.url));
const good = path.join(FIXTURES, "good");

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
    const grants = await t.services.require("kernel.users").grantsOf(writer.id);
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
    expect(t.services.providerOf("good.counter")).toBe("good");
    const seen: unknown[] = [];
    t.events.on("fixture.ping", (payload) => void seen.push(payload));
    const token = await t.login();
    await t.inject({ method: "POST", url: "/api/good/emit", token });
    await new Promise((resolve) => setImmediate(resolve));
    expect(seen).toEqual([{ from: "good" }]);
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
