import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { readManifest } from "./manifest.js";

function pluginDir(
  manifest: Record<string, unknown>,
  options: { version?: string; entryFile?: string | null } = {},
): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), "roa2web-manifest-"));
  writeFileSync(
    path.join(dir, "package.json"),
    JSON.stringify({ name: "@x/plugin", version: options.version ?? "1.0.0", roa2web: manifest }),
  );
  if (options.entryFile !== null)
    writeFileSync(path.join(dir, options.entryFile ?? "plugin.js"), "export default {}");
  mkdirSync(path.join(dir, "ui"));
  writeFileSync(path.join(dir, "ui", "index.js"), "");
  return dir;
}

const valid = {
  name: "stock",
  entry: "plugin.js",
  kernel: "^0.1.0",
  prefix: "/api/stock",
  permissions: { "stock:read": "Read stock" },
  ui: { tag: "stock-app", module: "ui/index.js" },
};

describe("readManifest", () => {
  it("accepts a valid manifest and adds version, package name and root", () => {
    const dir = pluginDir(valid, { version: "2.3.4" });
    expect(readManifest(dir, "0.1.5")).toMatchObject({
      ...valid,
      version: "2.3.4",
      packageName: "@x/plugin",
      root: dir,
    });
  });

  it.each([
    [{ ...valid, prefix: undefined }, "must have required property 'prefix'"],
    [{ ...valid, name: "Bad Name" }, "roa2web.name must match pattern"],
    [{ ...valid, kernel: "not a range" }, "is not a semver range"],
    [{ ...valid, kernel: "^2.0.0" }, "needs kernel ^2.0.0, but this kernel is 0.1.5"],
    [{ ...valid, prefix: "/api/auth" }, "belongs to the kernel"],
    [{ ...valid, prefix: "/api/kernel/x" }, "belongs to the kernel"],
    [{ ...valid, permissions: { "reports:read": "x" } }, 'must start with "stock:"'],
    [
      { ...valid, provides: { "reports.queries": "1.0.0" } },
      'provides "reports.queries": a plugin may only provide services named "stock.*"',
    ],
    [
      { ...valid, provides: { "stock.levels": "^1.0.0" } },
      "roa2web.provides.stock.levels must match",
    ],
    [
      { ...valid, emits: ["data-entry.receipt.approved"] },
      'emits "data-entry.receipt.approved": a plugin may only emit events named "stock.*"',
    ],
    [{ ...valid, consumes: { "reports.queries": "one" } }, '"one" is not a semver range'],
    [{ ...valid, consumes: { "stock.levels": "^1.0.0" } }, "which is its own service"],
    [{ ...valid, subscribes: ["Receipt Approved"] }, "roa2web.subscribes.0 must match pattern"],
    [{ ...valid, ui: { tag: "reports-app", module: "ui/index.js" } }, 'must start with "stock-"'],
    [{ ...valid, entry: "../outside.js" }, "entry must be inside the package"],
    [{ ...valid, unknown: true }, "must NOT have additional properties"],
    [
      { ...valid, ui: { ...valid.ui, titles: { romanian: "Stoc" } } },
      "roa2web.ui.titles property name must be valid",
    ],
    [
      { ...valid, ui: { ...valid.ui, titles: { ro: "" } } },
      "must NOT have fewer than 1 characters",
    ],
  ])("refuses %j with a clear message", (manifest, message) => {
    expect(() => readManifest(pluginDir(manifest as Record<string, unknown>), "0.1.5")).toThrow(
      message,
    );
  });

  it("accepts navigation titles and descriptions per language", () => {
    const ui = {
      ...valid.ui,
      titles: { ro: "Stoc", en: "Stock" },
      descriptions: { ro: "Stocuri" },
    };
    expect(readManifest(pluginDir({ ...valid, ui }), "0.1.5").ui).toEqual(ui);
  });

  it("takes the permission a page is for, if the plugin declares it", () => {
    const ui = { ...valid.ui, permission: "stock:read" };
    expect(readManifest(pluginDir({ ...valid, ui }), "0.1.5").ui).toEqual(ui);
    expect(() =>
      readManifest(
        pluginDir({ ...valid, ui: { ...valid.ui, permission: "stock:write" } }),
        "0.1.5",
      ),
    ).toThrow("ui.permission stock:write is not one of the plugin's permissions");
  });

  it("says when the entry is missing (plugin not built)", () => {
    expect(() => readManifest(pluginDir(valid, { entryFile: null }), "0.1.5")).toThrow(
      "is the plugin built?",
    );
  });

  it("says when the UI module is missing", () => {
    const dir = pluginDir(valid);
    rmSync(path.join(dir, "ui", "index.js"));
    expect(() => readManifest(dir, "0.1.5")).toThrow("is the UI built?");
  });

  it("refuses a package without a semver version", () => {
    expect(() => readManifest(pluginDir(valid, { version: "one" }), "0.1.5")).toThrow(
      "semver version",
    );
  });
});
