/**
 * Finds plugin packages: every direct sub-folder of the plugin directories whose
 * package.json carries a `roa2web` manifest. (plugins/examples is not scanned: point
 * PLUGINS_DIR at it to load the examples.)
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";

export function discoverPluginRoots(directories: readonly string[]): string[] {
  const roots: string[] = [];
  for (const directory of directories) {
    if (!existsSync(directory)) continue;
    for (const entry of readdirSync(directory, { withFileTypes: true })) {
      if (!entry.isDirectory() || entry.name === "node_modules" || entry.name.startsWith("."))
        continue;
      const root = path.join(directory, entry.name);
      if (hasManifest(root)) roots.push(root);
    }
  }
  return roots.sort();
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
