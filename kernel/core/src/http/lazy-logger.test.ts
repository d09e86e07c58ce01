import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { lazyChildLogger } from "./lazy-logger.js";

function capture(level = "info") {
  const lines: Array<Record<string, unknown>> = [];
  const logger = pino(
    { level, base: undefined },
    { write: (line: string) => void lines.push(JSON.parse(line)) },
  );
  return { logger, lines };
}

describe("lazyChildLogger", () => {
  it("writes with the request's bindings when a line is logged", () => {
    const { logger, lines } = capture();
    const child = lazyChildLogger(logger, "reports", { reqId: "r-1" });
    child.info({ userId: 3 }, "hello");
    child.child({ step: "x" }).warn("nested");
    expect(lines).toEqual([
      expect.objectContaining({
        module: "reports",
        reqId: "r-1",
        userId: 3,
        msg: "hello",
        level: 30,
      }),
      expect.objectContaining({ reqId: "r-1", step: "x", msg: "nested", level: 40 }),
    ]);
  });

  it("skips levels the parent does not log", () => {
    const { logger, lines } = capture("warn");
    const child = lazyChildLogger(logger, "reports", { reqId: "r-2" });
    child.info("dropped");
    child.debug("dropped");
    child.error("kept");
    expect(lines.map((line) => line.msg)).toEqual(["kept"]);
    expect(child.level).toBe("warn");
  });
});
