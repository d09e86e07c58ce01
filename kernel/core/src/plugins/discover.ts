/**
 * Finds plugin packages: every direct sub-folder of the plugin directories whose
 * package.json carries a `roa2web` manifest. (plugins/examples is not scanned: point
 * PLUGINS_DIR at it to load the examples.) A sub-folder may be a symbolic link to a
 * package elsewhere (how `@roa2web/kernel/testing` loads exactly the plugins a test
 * names); the plugin's root is then the folder the link points to.
 */
import { existsSync, readdirSync, readFileSync, realpathSync, statSync } from "node:fs";
import path from "node:path";
import type { PluginSource } from "./plugin-record.js";

/**
 * Every plugin folder with where it came from: the workspace's (the first directory)
 * first, then PLUGINS_DIR's, then the installed packages' active versions.
 */
export function pluginFolders(
  directories: readonly string[],
  packageRoots: readonly string[],
): Array<{ root: string; source: PluginSource }> {
  const [workspace, ...others] = directories;
  return [
    ...discoverPluginRoots(workspace ? [workspace] : []).map((root) => ({
      root,
      source: "workspace" as const,
    })),
    ...discoverPluginRoots(others).map((root) => ({ root, source: "plugins-dir" as const })),
    ...packageRoots.map((root) => ({ root, source: "package" as const })),
  ];
}

export function discoverPluginRoots(directories: readonly string[]): string[] {
  const roots: string[] = [];
  for (const directory of directories) {
    if (!existsSync(directory)) continue;
    for (const entry of readdirSync(directory, { withFileTypes: true })) {
      if (entry.name === "node_modules" || entry.name.startsWith(".")) continue;
      const found = path.join(directory, entry.name);
      const root = entry.isSymbolicLink() ? linkedFolder(found) : entry.isDirectory() && found;
      if (root && hasManifest(root)) roots.push(root);
    }
  }
  return roots.sort();
}

/** The folder a link points to, or undefined for a dangling link or a link to a file. */
function linkedFolder(link: string): string | undefined {
  try {
    return statSync(link).isDirectory() ? realpathSync(link) : undefined;
  } catch {
    return undefined;
  }
}

function hasManifest(root: string): boolean {
  const file = path.join(root, "package.json");
  if (!existsSync(file)) return false;
  try {
    return typeof JSON.parse(readFileSync(file, "utf8")).roa2web === "object";
  } catch {
    // A package.json that does not parse is reported by readManifest.
    return true;
  }
}
