// Contract v2 (ADR 0015): dependencies declared by reference and resolved from the
// plugin's scope, services that carry the caller, and events limited to what a
// manifest declares, with the sender named by the kernel.
import { fileURLToPath } from "node:url";
import { type AuthUser, createServiceRef } from "@roa2web/plugin-sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { counted, figures } from "./fixtures/contract-plugins/alpha/refs.js";
import { startTestKernel, type TestKernel } from "./helpers/test-kernel.js";

const CONTRACT_PLUGINS = fileURLToPath(new URL("./fixtures/contract-plugins", import.meta.url));

let t: TestKernel;
const logLines: Array<Record<string, unknown>> = [];

beforeAll(async () => {
  t = await startTestKernel({
    pluginDirs: [CONTRACT_PLUGINS],
    logLines,
    env: { ALPHA_SECRET: "from-settings" },
  });
});
afterAll(() => t?.close());

describe("services between plugins", () => {
  it("reach the provider with the user the consumer acts for, checked by the provider", async () => {
    const reader = await t.createUser({ permissions: ["alpha:read"], companies: [1] });
    const allowed = await t.inject({ url: "/api/beta/figures/1", token: reader.token });
    expect(allowed.statusCode).toBe(200);
    // The provider's own settings reached it through `deps`; the caller was built by the kernel.
    expect(allowed.json()).toEqual({
      company: 1,
      secret: "from-settings",
      caller: "user",
      via: "beta",
    });

    const otherCompany = await t.inject({ url: "/api/beta/figures/2", token: reader.token });
    expect(otherCompany.statusCode).toBe(403);
    expect(otherCompany.json().error.details).toMatchObject({ company: 2, via: "beta" });

    // Signed in and allowed to use beta, but without alpha's permission: refused by alpha.
    const stranger = await t.createUser({ permissions: ["beta:read"] });
    const refused = await t.inject({ url: "/api/beta/figures/1", token: stranger.token });
    expect(refused.statusCode).toBe(403);
    expect(refused.json().error.details).toMatchObject({ permission: "alpha:read" });
  });

  it("let a consumer act as itself only where the provider allows it", async () => {
    const token = await t.login();
    const ping = await t.inject({ url: "/api/beta/as-system", token });
    expect(ping.json()).toEqual({ ping: "pong" });
    const read = await t.inject({ url: "/api/beta/system-read", token });
    expect(read.statusCode).toBe(403);
    expect(read.json().error.message).toContain('Plugin "beta" may not use this service');
  });

  it("refuse a provider outside the consumer's declared range, and say so at load", async () => {
    const response = await t.inject({ url: "/api/gamma/figures", token: await t.login() });
    expect(response.statusCode).toBe(503);
    expect(response.json().error).toMatchObject({
      code: "SERVICE_VERSION_MISMATCH",
      details: { service: "alpha.figures", provided: "1.2.0", required: "^2.0.0" },
    });
    expect(
      logLines.some(
        (line) =>
          line.level === 40 &&
          String(line.msg).includes('"gamma" consumes "alpha.figures" ^2.0.0') &&
          String(line.msg).includes("provides version 1.2.0"),
      ),
    ).toBe(true);
  });

  it("answer 503 while the provider is disabled, and work again once it is back", async () => {
    const token = await t.login();
    await t.kernel.plugins.disable("alpha");
    const heard = await t.inject({ url: "/api/beta/heard", token });
    expect(heard.json().available).toBe(false);
    const reader = await t.createUser({ permissions: ["alpha:read"] });
    const down = await t.inject({ url: "/api/beta/figures/1", token: reader.token });
    expect(down.statusCode).toBe(503);
    expect(down.json().error.details).toEqual({ service: "alpha.figures" });
    await t.kernel.plugins.enable("alpha");
    const up = await t.inject({ url: "/api/beta/figures/1", token: reader.token });
    expect(up.statusCode).toBe(200);
  });
});

describe("what the manifest does not declare", () => {
  it("is refused at start, named, and the other plugins carry on", () => {
    expect(t.plugin("delta")).toMatchObject({ state: "failed", failure: { step: "start" } });
    expect(t.plugin("delta").failure?.message).toContain(
      'deps.alpha names the "alpha.figures" service, which the manifest of "delta" does not list in roa2web.consumes',
    );
    expect(t.plugin("epsilon").failure?.message).toContain(
      'provides "epsilon.tally", which its manifest does not list in roa2web.provides',
    );
    // A plugin still written for contract v1 is told so, not left with a bare TypeError.
    expect(t.plugin("zeta").failure?.message).toContain(
      "looks written for plugin contract v1 (start(ctx) with ctx.register/resolve/services/events)",
    );
    expect(t.plugin("alpha").state).toBe("enabled");
    expect(t.plugin("beta").state).toBe("enabled");
  });
});

describe("the administrators' plugin list", () => {
  it("shows what each plugin declares and what this kernel cannot satisfy", async () => {
    const response = await t.inject({ url: "/api/kernel/plugins", token: await t.login() });
    const items = response.json().items as Array<{ name: string; contract: unknown }>;
    expect(items.find((item) => item.name === "alpha")?.contract).toEqual({
      provides: { "alpha.figures": "1.2.0" },
      consumes: {},
      emits: ["alpha.counted"],
      subscribes: [],
      problems: [],
    });
    const gamma = items.find((item) => item.name === "gamma")?.contract as { problems: string[] };
    expect(gamma.problems).toEqual([
      expect.stringContaining('subscribes to "alpha.countd"'),
      expect.stringContaining(
        'consumes "alpha.figures" ^2.0.0, but plugin "alpha" provides version 1.2.0',
      ),
    ]);
  });
});

describe("events between plugins", () => {
  it("deliver declared events with the sender the kernel knows", async () => {
    const token = await t.login();
    await t.inject({ method: "POST", url: "/api/alpha/count", token });
    await new Promise((resolve) => setImmediate(resolve));
    const heard = (await t.inject({ url: "/api/beta/heard", token })).json();
    expect(heard.heard).toContainEqual({ count: 1, sender: "alpha", event: "alpha.counted" });
    // Kernel events come from "kernel" (alpha was enabled again above).
    expect(heard.enabled).toContainEqual({ name: "alpha", sender: "kernel" });
  });

  it("refuse emitting an event the manifest does not declare", async () => {
    const response = await t.inject({
      method: "POST",
      url: "/api/alpha/emit-foreign",
      token: await t.login(),
    });
    expect(response.statusCode).toBe(500);
    expect(
      logLines.some((line) =>
        String((line.err as { message?: string } | undefined)?.message).includes(
          'emits "beta.seen", which its manifest does not list',
        ),
      ),
    ).toBe(true);
  });

  it("warn at load about a subscription to an event nobody emits", () => {
    expect(
      logLines.some(
        (line) =>
          line.level === 40 &&
          String(line.msg).includes('"gamma" subscribes to "alpha.countd"') &&
          String(line.msg).includes("no installed plugin declares"),
      ),
    ).toBe(true);
  });
});

describe("the test kit, for plugin authors' tests", () => {
  it("calls a plugin's service as a consumer, emits as a plugin and provides stand-ins", async () => {
    const user: AuthUser = {
      id: 1,
      username: "u",
      displayName: "U",
      permissions: ["*:*"],
      companies: "*",
    };
    expect(t.service(figures).for(user).read(3)).toMatchObject({ company: 3, via: "test" });

    const heard: unknown[] = [];
    t.on(counted, (payload, meta) => heard.push({ payload, sender: meta.sender }));
    t.emit(counted, { count: 42 });
    await new Promise((resolve) => setImmediate(resolve));
    expect(heard).toEqual([{ payload: { count: 42 }, sender: "alpha" }]);
    const beta = (await t.inject({ url: "/api/beta/heard", token: await t.login() })).json();
    expect(beta.heard).toContainEqual({ count: 42, sender: "alpha", event: "alpha.counted" });

    const stock = createServiceRef<{ level(): number }>({ id: "stock.levels", version: "1.0.0" });
    const withdraw = t.provide(stock, (caller) => ({
      level: () => (caller.kind === "system" ? 0 : 5),
    }));
    expect(t.service(stock).for(user).level()).toBe(5);
    withdraw();
    expect(t.service(stock).available()).toBe(false);
  });
});
