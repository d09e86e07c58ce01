import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { discoverPluginRoots } from "./discover.js";

let temp: string;

function pluginPackage(folder: string, manifest: object | null = { name: "x" }): string {
  mkdirSync(folder, { recursive: true });
  writeFileSync(
    path.join(folder, "package.json"),
    JSON.stringify({ name: "p", ...(manifest ? { roa2web: manifest } : {}) }),
  );
  return folder;
}

beforeEach(() => {
  temp = mkdtempSync(path.join(os.tmpdir(), "roa2web-discover-"));
});
afterEach(() => rmSync(temp, { recursive: true, force: true }));

describe("discoverPluginRoots", () => {
  it("keeps the direct sub-folders whose package.json has a roa2web manifest", () => {
    const plugins = path.join(temp, "plugins");
    const one = pluginPackage(path.join(plugins, "one"));
    pluginPackage(path.join(plugins, "plain"), null);
    pluginPackage(path.join(plugins, "node_modules", "dep"));
    pluginPackage(path.join(plugins, ".hidden"));
    pluginPackage(path.join(plugins, "one", "nested"));
    expect(discoverPluginRoots([plugins, path.join(temp, "missing")])).toEqual([one]);
  });

  it("follows a link to a package elsewhere and reports the real folder", () => {
    const elsewhere = pluginPackage(path.join(temp, "checkouts", "my-plugin"));
    const links = path.join(temp, "links");
    mkdirSync(links);
    symlinkSync(elsewhere, path.join(links, "linked"), "junction");
    symlinkSync(path.join(temp, "gone"), path.join(links, "dangling"), "junction");
    writeFileSync(path.join(temp, "file.txt"), "");
    symlinkSync(path.join(temp, "file.txt"), path.join(links, "to-a-file"));
    expect(discoverPluginRoots([links])).toEqual([elsewhere]);
  });
});
