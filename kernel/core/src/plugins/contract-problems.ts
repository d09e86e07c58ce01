/**
 * The declared services and events that nothing among a set of plugins satisfies:
 * warnings at start, at each rescan and before a package is installed (never refusals).
 */
import type { ResolvedPluginManifest } from "@roa2web/plugin-sdk";
import semver from "semver";

/** The contract warnings among a set of manifests (see `PluginManager.contractProblems`). */
export function contractProblemsOf(
  manifests: readonly ResolvedPluginManifest[],
): Array<{ plugin: string; problem: string }> {
  const emitted = new Set(["kernel.plugin.enabled", "kernel.plugin.disabled"]);
  const provided = new Map<string, { plugin: string; version: string }>();
  for (const manifest of manifests) {
    for (const id of manifest.emits ?? []) emitted.add(id);
    for (const [id, version] of Object.entries(manifest.provides ?? {}))
      provided.set(id, { plugin: manifest.name, version });
  }
  const problems: Array<{ plugin: string; problem: string }> = [];
  for (const manifest of manifests) {
    for (const id of manifest.subscribes ?? []) {
      if (!emitted.has(id)) {
        problems.push({
          plugin: manifest.name,
          problem: `subscribes to "${id}", which no installed plugin declares in roa2web.emits (misspelt, or its plugin is not installed)`,
        });
      }
    }
    for (const [id, range] of Object.entries(manifest.consumes ?? {})) {
      const provider = provided.get(id);
      if (!provider) {
        problems.push({
          plugin: manifest.name,
          problem: `consumes "${id}" ${range}, which no installed plugin provides`,
        });
      } else if (!semver.satisfies(provider.version, range)) {
        problems.push({
          plugin: manifest.name,
          problem: `consumes "${id}" ${range}, but plugin "${provider.plugin}" provides version ${provider.version}: calls will answer 503 until one of them is upgraded`,
        });
      }
    }
  }
  return problems;
}
