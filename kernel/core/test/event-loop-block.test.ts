// A plugin route that computes without yielding holds every request behind it: the
// kernel names it (plugin, route, ms) in the log and in /health.
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestKernel, type TestKernel } from "../src/testing/index.js";
import { inject } from "./helpers/test-kernel.js";

const FAULTY = fileURLToPath(new URL("./fixtures/faulty-plugins/faulty", import.meta.url));
const logLines: Array<Record<string, unknown>> = [];
let t: TestKernel;
beforeAll(async () => {
  t = await startTestKernel({
    plugins: [FAULTY],
    env: { LOG_EVENT_LOOP_BLOCK_MS: "150" },
    logLines,
  });
});
afterAll(async () => t?.close());

describe("a route that holds the event loop", () => {
  it("is named in the log and in /health, which says degraded", async () => {
    const loopCheck = async () => {
      const response = await inject(t.kernel, {
        method: "GET",
        url: "/health?details=1",
        headers: { authorization: `Bearer ${await t.login()}` },
      });
      const checks = response.json().checks as Array<{
        name: string;
        status: string;
        detail?: string;
      }>;
      return checks.find((check) => check.name === "event-loop");
    };
    expect((await loopCheck())?.status).toBe("up");
    const answer = await inject(t.kernel, { method: "GET", url: "/api/faulty/busy?ms=300" });
    expect(answer.statusCode).toBe(200);

    const line = logLines.find((entry) => entry.route === "GET /api/faulty/busy");
    expect(line).toMatchObject({ plugin: "faulty", level: 40 });
    expect(line?.ms as number).toBeGreaterThanOrEqual(290);
    const check = await loopCheck();
    expect(check?.status).toBe("degraded");
    expect(check?.detail).toContain('route GET /api/faulty/busy of plugin "faulty"');
  });

  it("leaves a quick route unnamed", async () => {
    const before = logLines.length;
    await inject(t.kernel, { method: "GET", url: "/api/faulty/busy?ms=1" });
    expect(logLines.slice(before).some((entry) => entry.route === "GET /api/faulty/busy")).toBe(
      false,
    );
  });
});
