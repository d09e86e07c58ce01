import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import semver from "semver";
import { afterEach, describe, expect, it } from "vitest";
import { movedKernelRange, moveKernelRanges, pluginPackageFiles } from "./version-packages.mjs";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
let temp = "";
afterEach(() => rmSync(temp, { recursive: true, force: true }));

describe("movedKernelRange", () => {
  it("keeps a range that still accepts the new kernel", () => {
    expect(movedKernelRange("^0.1.0", "0.1.7")).toBe("^0.1.0");
    expect(movedKernelRange(">=0.1.0 <0.4.0", "0.3.0")).toBe(">=0.1.0 <0.4.0");
    expect(movedKernelRange("^1.2.0", "1.9.0")).toBe("^1.2.0");
  });

  it("moves a range the new kernel falls out of (0.x minor, then majors)", () => {
    expect(movedKernelRange("^0.1.0", "0.2.0")).toBe("^0.2.0");
    expect(movedKernelRange("^0.9.0", "1.0.0")).toBe("^1.0.0");
    expect(movedKernelRange("^1.4.0", "2.1.3")).toBe("^2.0.0");
    expect(movedKernelRange("not a range", "0.2.0")).toBe("^0.2.0");
  });
});

describe("moveKernelRanges", () => {
  function plugin(dir: string, manifest: Record<string, unknown> | undefined) {
    mkdirSync(path.join(temp, dir), { recursive: true });
    const pkg = { name: `@x/${path.basename(dir)}`, version: "1.0.0", roa2web: manifest };
    writeFileSync(path.join(temp, dir, "package.json"), `${JSON.stringify(pkg, null, 2)}\n`);
  }

  it("rewrites only the kernel line of the manifests left behind", () => {
    temp = mkdtempSync(path.join(os.tmpdir(), "version-packages-"));
    plugin("plugins/old", { name: "old", kernel: "^0.1.0", prefix: "/api/old" });
    plugin("plugins/wide", { name: "wide", kernel: ">=0.1.0 <1.0.0" });
    plugin("plugins/examples/sample", { name: "sample", kernel: "^0.1.0" });
    plugin("plugins/not-a-plugin", undefined);
    mkdirSync(path.join(temp, "plugins/empty-folder"));

    const moved = moveKernelRanges(temp, "0.2.0");

    expect(moved).toEqual([
      { file: path.join("plugins/examples/sample/package.json"), from: "^0.1.0", to: "^0.2.0" },
      { file: path.join("plugins/old/package.json"), from: "^0.1.0", to: "^0.2.0" },
    ]);
    const old = readFileSync(path.join(temp, "plugins/old/package.json"), "utf8");
    expect(JSON.parse(old).roa2web).toEqual({ name: "old", kernel: "^0.2.0", prefix: "/api/old" });
    const wide = JSON.parse(readFileSync(path.join(temp, "plugins/wide/package.json"), "utf8"));
    expect(wide.roa2web.kernel).toBe(">=0.1.0 <1.0.0");
    expect(moveKernelRanges(temp, "0.2.0")).toEqual([]);
  });
});

describe("this repository", () => {
  it("has plugins whose kernel range accepts the kernel beside them", () => {
    const kernel = JSON.parse(
      readFileSync(path.join(repoRoot, "kernel/core/package.json"), "utf8"),
    );
    const files = pluginPackageFiles(repoRoot);
    expect(files.length).toBeGreaterThanOrEqual(4);
    for (const file of files) {
      const { roa2web } = JSON.parse(readFileSync(file, "utf8"));
      expect(semver.satisfies(kernel.version, roa2web.kernel), file).toBe(true);
    }
  });
});
