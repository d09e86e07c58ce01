import { existsSync } from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { inject, startTestKernel, type TestKernel } from "./helpers/test-kernel.js";

declare global {
  var __goodFixtureEvaluations: number | undefined;
  var __goodFixtureStops: number | undefined;
  var __goodFixturePings: Array<{ instance: number; payload: unknown }> | undefined;
  var __badMigrationStarted: boolean | undefined;
  var __exclusiveLog: string[] | undefined;
}

let t: TestKernel;
let token: string;
const auth = () => ({ authorization: `Bearer ${token}` });

beforeAll(async () => {
  t = await startTestKernel({ listen: true });
  token = await t.login();
});
afterAll(async () => t?.close());

function admin(action: string, name: string) {
  return inject(t.kernel, {
    method: "POST",
    url: `/api/kernel/plugins/${name}/${action}`,
    headers: auth(),
  });
}

describe("plugin states at start", () => {
  it("lists every plugin with state, version and UI entry for an administrator", async () => {
    const response = await inject(t.kernel, {
      method: "GET",
      url: "/api/kernel/plugins",
      headers: auth(),
    });
    const items = response.json().items as Array<Record<string, unknown>>;
    const good = items.find((item) => item.name === "good");
    expect(good).toMatchObject({
      state: "enabled",
      version: "1.2.3",
      prefix: "/api/good",
      ui: { tag: "good-app", url: "/plugins/good/ui/good-app.js?v=1.2.3" },
    });
    expect(items.find((item) => item.name === "throws-on-start")).toMatchObject({
      state: "failed",
      failure: { step: "start" },
    });
    expect(items.find((item) => item.name === "no-access")).toMatchObject({
      state: "failed",
      failure: { step: "routes" },
    });
    expect(items.find((item) => item.name === "foreign-permission")).toMatchObject({
      state: "failed",
      failure: { step: "routes", message: expect.stringContaining("does not declare") },
    });
    expect(items.find((item) => item.name === "wrong-kernel")).toMatchObject({
      state: "failed",
      failure: { step: "manifest" },
    });
  });

  it("shows non-administrators only the enabled plugins", async () => {
    await t.kernel.users.create({
      username: "clerk",
      password: "clerk-pass",
      permissions: ["good:read"],
      companies: [1],
    });
    const clerk = await t.login("clerk", "clerk-pass");
    const response = await inject(t.kernel, {
      method: "GET",
      url: "/api/kernel/plugins",
      headers: { authorization: `Bearer ${clerk}` },
    });
    const items = response.json().items as Array<Record<string, unknown>>;
    expect(items.every((item) => item.state === "enabled")).toBe(true);
    expect(items.map((item) => item.name)).toContain("good");
    expect(items[0]).not.toHaveProperty("failure");
  });

  it("never serves the routes of a plugin that failed its route check: 503 with the reason", async () => {
    const response = await inject(t.kernel, {
      method: "GET",
      url: "/api/no-access/open-by-mistake",
    });
    expect(response.statusCode).toBe(503);
    expect(response.json()).toMatchObject({
      error: {
        code: "PLUGIN_FAILED",
        details: { plugin: "no-access", step: "routes", reason: expect.any(String) },
      },
    });
  });

  it("serves the plugin's UI module", async () => {
    const response = await inject(t.kernel, { method: "GET", url: "/plugins/good/ui/good-app.js" });
    expect(response.statusCode).toBe(200);
    expect(response.body).toContain("good-app");
  });
});

describe("enable, disable, reload at run time", () => {
  it("disabling removes the routes (404) and enabling brings them back", async () => {
    expect(
      (await inject(t.kernel, { method: "GET", url: "/api/good/ping", headers: auth() }))
        .statusCode,
    ).toBe(200);
    const disabled = await admin("disable", "good");
    expect(disabled.json()).toMatchObject({ name: "good", state: "disabled" });
    expect(
      (await inject(t.kernel, { method: "GET", url: "/api/good/ping", headers: auth() }))
        .statusCode,
    ).toBe(404);
    const openapi = await inject(t.kernel, { method: "GET", url: "/api/docs/json" });
    expect(Object.keys(openapi.json().paths)).not.toContain("/api/good/ping");
    const enabled = await admin("enable", "good");
    expect(enabled.json()).toMatchObject({ state: "enabled" });
    expect(
      (await inject(t.kernel, { method: "GET", url: "/api/good/ping", headers: auth() }))
        .statusCode,
    ).toBe(200);
  });

  it("reload makes a new instance without importing the code again", async () => {
    const evaluations = globalThis.__goodFixtureEvaluations;
    const before = (
      await inject(t.kernel, { method: "GET", url: "/api/good/ping", headers: auth() })
    ).json().instance;
    const stops = globalThis.__goodFixtureStops ?? 0;
    const reloaded = await admin("reload", "good");
    expect(reloaded.statusCode).toBe(200);
    const after = (
      await inject(t.kernel, { method: "GET", url: "/api/good/ping", headers: auth() })
    ).json().instance;
    expect(after).toBe(before + 1);
    expect(globalThis.__goodFixtureStops).toBe(stops + 1);
    expect(globalThis.__goodFixtureEvaluations).toBe(evaluations);
    expect(evaluations).toBe(1);
  });

  it("reloads an exclusive plugin by stopping it before starting the new instance", async () => {
    globalThis.__exclusiveLog = [];
    const response = await admin("reload", "exclusive");
    expect(response.json()).toMatchObject({ state: "enabled" });
    expect(globalThis.__exclusiveLog).toEqual(["stop (running: 0)", "start (running: 1)"]);
    expect((await inject(t.kernel, { method: "GET", url: "/api/exclusive/ping" })).statusCode).toBe(
      200,
    );
  });

  it("keeps the plugin's data across disable and enable", async () => {
    const first = await inject(t.kernel, {
      method: "POST",
      url: "/api/good/notes",
      headers: auth(),
      payload: { text: "kept" },
    });
    await admin("disable", "good");
    await admin("enable", "good");
    const second = await inject(t.kernel, {
      method: "POST",
      url: "/api/good/notes",
      headers: auth(),
      payload: { text: "more" },
    });
    expect(second.json().count).toBe(first.json().count + 1);
  });

  it("reports clear errors for unknown plugins and impossible actions", async () => {
    const unknown = await admin("enable", "nope");
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().error.code).toBe("NOT_FOUND");
    const broken = await admin("enable", "wrong-kernel");
    expect(broken.statusCode).toBe(409);
    expect(broken.json().error.message).toContain("needs kernel");
    const notRunning = await admin("reload", "throws-on-start");
    expect(notRunning.statusCode).toBe(409);
    const badName = await admin("enable", "../etc");
    expect(badName.statusCode).toBe(404);
  });

  it("a plugin that fails again on enable answers 503 with the reason and changes nothing else", async () => {
    const response = await admin("enable", "throws-on-start");
    expect(response.statusCode).toBe(503);
    expect(response.json()).toMatchObject({
      error: {
        code: "PLUGIN_FAILED",
        details: { plugin: "throws-on-start", step: "start", reason: "cannot reach the printer" },
      },
    });
    expect(t.kernel.plugins.get("throws-on-start")).toMatchObject({
      state: "failed",
      failure: { step: "start", message: "cannot reach the printer" },
    });
    expect(
      (await inject(t.kernel, { method: "GET", url: "/api/good/ping", headers: auth() }))
        .statusCode,
    ).toBe(200);
  });

  it("a failing migration leaves the plugin off and its database untouched", async () => {
    const response = await admin("enable", "bad-migration");
    expect(response.statusCode).toBe(503);
    expect(response.json()).toMatchObject({ error: { details: { step: "migrate" } } });
    expect(t.kernel.plugins.get("bad-migration")).toMatchObject({
      state: "failed",
      failure: { step: "migrate" },
    });
    expect(globalThis.__badMigrationStarted).toBeUndefined();
    const file = path.join(t.dataDir, "plugins", "bad-migration", "bad-migration.db");
    if (existsSync(file)) {
      const db = new Database(file, { readonly: true });
      const tables = db
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table'")
        .all() as Array<{ name: string }>;
      db.close();
      const names = tables.map((table) => table.name);
      expect(names).not.toContain("kept");
      expect(names).not.toContain("half");
    }
  });
});

describe("services and events between plugins", () => {
  it("a consumer keeps working and explains while its provider is disabled", async () => {
    const live = await inject(t.kernel, {
      method: "GET",
      url: "/api/consumer/count-or-explain",
      headers: auth(),
    });
    expect(live.json()).toMatchObject({ available: true });
    await admin("disable", "good");
    const explained = await inject(t.kernel, {
      method: "GET",
      url: "/api/consumer/count-or-explain",
      headers: auth(),
    });
    expect(explained.json()).toEqual({ available: false, reason: "the good plugin is disabled" });
    const required = await inject(t.kernel, {
      method: "GET",
      url: "/api/consumer/count",
      headers: auth(),
    });
    expect(required.statusCode).toBe(503);
    expect(required.json().error).toMatchObject({
      code: "SERVICE_UNAVAILABLE",
      details: { service: "good.counter" },
    });
    await admin("enable", "good");
    const back = await inject(t.kernel, {
      method: "GET",
      url: "/api/consumer/count",
      headers: auth(),
    });
    expect(back.statusCode).toBe(200);
  });

  it("delivers events to the running instance only", async () => {
    globalThis.__goodFixturePings = [];
    await admin("reload", "good");
    const current = (
      await inject(t.kernel, { method: "GET", url: "/api/good/ping", headers: auth() })
    ).json().instance;
    await inject(t.kernel, { method: "POST", url: "/api/good/emit", headers: auth() });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(globalThis.__goodFixturePings).toEqual([
      { instance: current, payload: { from: "good" } },
    ]);
  });
});

describe("swaps under load", () => {
  // Thirty admin steps under eight busy clients: ~5 s on a quiet machine, ~30 s at a
  // load of 20 (measured), so vitest's 30 s default turned a slow machine into a failure.
  it("drops no request and answers no 5xx while a plugin is toggled and reloaded repeatedly", {
    timeout: 120_000,
  }, async () => {
    const statuses = new Map<number, number>();
    let running = true;
    const worker = async () => {
      while (running) {
        const response = await fetch(`${t.url}/api/good/slow?ms=15`, { headers: auth() });
        await response.arrayBuffer();
        statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
        const health = await fetch(`${t.url}/health`);
        await health.arrayBuffer();
        statuses.set(health.status, (statuses.get(health.status) ?? 0) + 1);
      }
    };
    const workers = Array.from({ length: 8 }, worker);
    for (let cycle = 0; cycle < 10; cycle++) {
      await admin("disable", "good");
      await admin("enable", "good");
      await admin("reload", "good");
    }
    running = false;
    await Promise.all(workers);
    const total = [...statuses.values()].reduce((sum, count) => sum + count, 0);
    const failures = [...statuses]
      .filter(([status]) => status >= 500 || status === 0)
      .reduce((sum, [, count]) => sum + count, 0);
    expect(total).toBeGreaterThan(100);
    expect(failures).toBe(0);
    // Only 200 (served) and 404 (while disabled) are allowed.
    expect([...statuses.keys()].every((status) => status === 200 || status === 404)).toBe(true);
  });
});
