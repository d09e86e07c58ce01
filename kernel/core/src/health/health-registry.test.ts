import { describe, expect, it } from "vitest";
import { HealthRegistry } from "./health-registry.js";

describe("HealthRegistry", () => {
  it("answers in bounded time when a critical dependency hangs, and reports it down", async () => {
    const registry = new HealthRegistry();
    registry.register("erp", () => new Promise(() => undefined), {
      critical: true,
      timeoutMs: 150,
    });
    registry.register("cache", () => ({ status: "up" }));
    const started = performance.now();
    const report = await registry.run();
    const elapsed = performance.now() - started;
    expect(elapsed).toBeLessThan(500);
    expect(report.status).toBe("down");
    expect(report.checks.find((check) => check.name === "erp")).toMatchObject({
      status: "down",
      detail: "no answer within 150 ms",
      critical: true,
    });
    expect(report.checks.find((check) => check.name === "cache")?.status).toBe("up");
  });

  it("is degraded, not down, when only a non-critical check fails", async () => {
    const registry = new HealthRegistry();
    registry.register("erp", () => ({ status: "up" }), { critical: true });
    registry.register("cache", () => {
      throw new Error("disk full");
    });
    const report = await registry.run();
    expect(report.status).toBe("degraded");
    expect(report.checks.find((check) => check.name === "cache")).toMatchObject({
      status: "down",
      detail: "disk full",
    });
  });

  it("unregisters only its own registration", async () => {
    const registry = new HealthRegistry();
    const first = registry.register("x", () => ({ status: "up" }));
    registry.register("x", () => ({ status: "degraded" }));
    first();
    expect((await registry.run()).checks).toEqual([
      expect.objectContaining({ name: "x", status: "degraded" }),
    ]);
  });
});
