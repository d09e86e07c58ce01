import { describe, expect, expectTypeOf, it } from "vitest";
import type { AuthUser } from "./auth.js";
import type { CacheService } from "./cache.js";
import type { PluginRuntime } from "./context.js";
import { definePlugin } from "./plugin.js";
import {
  assertCaller,
  type Caller,
  coreServices,
  createEventRef,
  createServiceRef,
  type ServiceHandle,
} from "./refs.js";
import { defineRoutes } from "./routes.js";

interface Greeter {
  greet(name: string): string;
}
const greeter = createServiceRef<Greeter>({ id: "hello.greeter", version: "1.0.0" });

const user: AuthUser = {
  id: 7,
  username: "ana",
  displayName: "Ana",
  permissions: ["hello:read"],
  companies: [1],
};

describe("references", () => {
  it("refuse ids outside the plugin.name form and versions that are not x.y.z", () => {
    expect(() => createServiceRef({ id: "greeter", version: "1.0.0" })).toThrow(
      '"<plugin>.<name>"',
    );
    expect(() => createServiceRef({ id: "Hello.Greeter", version: "1.0.0" })).toThrow();
    expect(() => createEventRef({ id: "hello.said", version: "^1" })).toThrow(
      'needs a version like "1.0.0"',
    );
  });

  it("type deps, state and routes from the definition, with no casts", () => {
    const plugin = definePlugin({
      deps: { cache: coreServices.cache, greeter },
      start(deps) {
        expectTypeOf(deps.cache).toEqualTypeOf<CacheService>();
        expectTypeOf(deps.greeter).toEqualTypeOf<ServiceHandle<Greeter>>();
        return { greetings: 0 };
      },
    });
    const routes = defineRoutes<typeof plugin>(async (_app, options) => {
      expectTypeOf(options.state).toEqualTypeOf<{ greetings: number }>();
      expectTypeOf(options.deps.greeter.for(user).greet).toEqualTypeOf<(name: string) => string>();
      expectTypeOf(options.plugin).toEqualTypeOf<PluginRuntime>();
    });
    expect(typeof routes).toBe("function");
  });
});

describe("assertCaller", () => {
  const asUser: Caller = { kind: "user", user, via: "telegram" };
  const asSystem: Caller = { kind: "system", reason: "nightly", via: "telegram" };

  it("passes a user with the permission and the company", () => {
    expect(() => assertCaller(asUser, { permission: "hello:read", company: 1 })).not.toThrow();
  });

  it("refuses a missing permission or company with 403 naming what is missing", () => {
    expect(() => assertCaller(asUser, { permission: "hello:write" })).toThrow(
      expect.objectContaining({
        statusCode: 403,
        details: expect.objectContaining({ permission: "hello:write" }),
      }),
    );
    expect(() => assertCaller(asUser, { company: 2 })).toThrow(
      expect.objectContaining({
        statusCode: 403,
        details: expect.objectContaining({ company: 2 }),
      }),
    );
  });

  it("lets a system caller through only where the provider says so", () => {
    expect(() => assertCaller(asSystem, { permission: "hello:read" })).toThrow(
      'Plugin "telegram" may not use this service on its own',
    );
    expect(() => assertCaller(asSystem, { system: true })).not.toThrow();
  });
});
