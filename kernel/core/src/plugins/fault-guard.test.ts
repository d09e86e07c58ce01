import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { attributeFault } from "./fault-guard.js";

const base = mkdtempSync(path.join(os.tmpdir(), "roa2web-fault-"));
afterAll(() => rmSync(base, { recursive: true, force: true }));
const roots = [
  { name: "reports", root: path.join(base, "plugins", "reports") },
  { name: "inner", root: path.join(base, "plugins", "reports", "vendor", "inner") },
  { name: "notes", root: path.join(base, "plugins", "notes") },
];
const kernelFile = path.join(base, "kernel", "core", "dist", "kernel.js");

function errorWithStack(...frames: string[]): Error {
  const error = new Error("boom");
  error.stack = ["Error: boom", ...frames.map((frame) => `    at ${frame}`)].join("\n");
  return error;
}

describe("attributeFault", () => {
  it("names the plugin whose file is innermost on the stack, below kernel frames", () => {
    const error = errorWithStack(
      `Cache.get (${kernelFile}:10:5)`,
      `Timeout.tick (${path.join(base, "plugins", "notes", "dist", "timers.js")}:3:9)`,
      `listOnTimeout (node:internal/timers:581:17)`,
    );
    expect(attributeFault(error, roots)).toBe("notes");
  });

  it("reads file URLs, async frames and the query string of a re-imported module", () => {
    const url = pathToFileURL(path.join(base, "plugins", "reports", "dist", "index.js")).href;
    const error = errorWithStack(
      `${kernelFile}:1:1`,
      `async Promise.all (index 0)`,
      `async run (${url}?rescan=2:4:7)`,
    );
    expect(attributeFault(error, roots)).toBe("reports");
  });

  it("tells a plugin nested inside another plugin's folder apart", () => {
    const file = path.join(base, "plugins", "reports", "vendor", "inner", "index.js");
    expect(attributeFault(errorWithStack(`x (${file}:1:1)`), roots)).toBe("inner");
  });

  it("does not take a folder that only starts with a plugin's name for the plugin", () => {
    const file = path.join(base, "plugins", "notes-extra", "index.js");
    expect(attributeFault(errorWithStack(`x (${file}:1:1)`), roots)).toBeUndefined();
  });

  it("leaves kernel-only stacks, values without a stack and strings unattributed", () => {
    expect(attributeFault(errorWithStack(`k (${kernelFile}:1:1)`), roots)).toBeUndefined();
    expect(attributeFault("a string", roots)).toBeUndefined();
    expect(attributeFault({ message: "not an error" }, roots)).toBeUndefined();
  });
});
