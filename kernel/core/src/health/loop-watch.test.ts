import { afterEach, describe, expect, it } from "vitest";
import { LoopWatch } from "./loop-watch.js";

function busy(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    // hold the loop
  }
}

const logged: Array<{ object: Record<string, unknown>; message: string }> = [];
const logger = {
  warn: (object: object, message: string) =>
    logged.push({ object: object as Record<string, unknown>, message }),
};
let watch: LoopWatch | undefined;
afterEach(() => {
  watch?.stop();
  logged.length = 0;
});

describe("LoopWatch", () => {
  it("names the plugin route whose synchronous work held the loop, in the log and in health", () => {
    watch = new LoopWatch(40, logger);
    const handler = watch.wrap("reports", "GET /api/reports/slow", () => {
      busy(60);
      return "answer";
    });
    expect(handler()).toBe("answer");
    expect(logged).toHaveLength(1);
    expect(logged[0]?.object).toMatchObject({ plugin: "reports", route: "GET /api/reports/slow" });
    expect(logged[0]?.message).toContain('plugin "reports"');
    const health = watch.health();
    expect(health.status).toBe("degraded");
    expect(health.detail).toContain('route GET /api/reports/slow of plugin "reports"');
  });

  it("leaves quick handlers alone and stays up", () => {
    watch = new LoopWatch(40, logger);
    watch.wrap("reports", "GET /x", () => busy(1))();
    expect(logged).toHaveLength(0);
    expect(watch.health().status).toBe("up");
  });

  it("logs a stall outside any route once, without a name", async () => {
    watch = new LoopWatch(40, logger);
    watch.start(10);
    await new Promise((resolve) => setTimeout(resolve, 30));
    busy(80);
    await new Promise((resolve) => setTimeout(resolve, 40));
    expect(logged).toHaveLength(1);
    expect(logged[0]?.object.plugin).toBeUndefined();
    expect(logged[0]?.message).toContain("outside any route");
  });

  it("does not log a route's block a second time as an unnamed stall", async () => {
    watch = new LoopWatch(40, logger);
    watch.start(10);
    await new Promise((resolve) => setTimeout(resolve, 30));
    watch.wrap("notes", "POST /api/notes", () => busy(80))();
    await new Promise((resolve) => setTimeout(resolve, 40));
    expect(logged.map((line) => line.object.plugin)).toEqual(["notes"]);
  });

  it("can be switched off with a threshold of 0", () => {
    watch = new LoopWatch(0, logger);
    const handler = () => busy(5);
    expect(watch.wrap("a", "GET /", handler)).toBe(handler);
  });
});
