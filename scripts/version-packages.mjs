#!/usr/bin/env node
/**
 * `pnpm version-packages`: applies the pending changesets (`changeset version`), then
 * moves the `roa2web.kernel` range of every plugin in this repository that no longer
 * accepts the kernel's new version.
 *
 * Why: the kernel refuses a plugin whose range does not match its version, and in 0.x a
 * minor bump leaves a caret range (`^0.1.0` stops before 0.2.0). Changesets knows
 * nothing of our manifest field, so without this step a release would switch every
 * plugin off. The plugins in this repository are tested against the kernel beside
 * them, so moving their range with the release is safe; third-party plugins move their
 * own after testing.
 */
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import semver from "semver";

const WORKSPACE_PLUGIN_DIRS = ["plugins", "plugins/examples"];

/**
 * The range a plugin should declare for `kernelVersion`: its current range if that
 * still accepts the version, else a caret range from the version's major.minor (0.x)
 * or major (1.x and later).
 */
export function movedKernelRange(range, kernelVersion) {
  if (semver.validRange(range) && semver.satisfies(kernelVersion, range)) return range;
  const version = semver.parse(kernelVersion);
  if (!version) throw new Error(`Not a semver version: ${kernelVersion}`);
  return version.major === 0 ? `^0.${version.minor}.0` : `^${version.major}.0.0`;
}

/** The package.json files of the plugins under `root` that carry a `roa2web` manifest. */
export function pluginPackageFiles(root) {
  const files = [];
  for (const dir of WORKSPACE_PLUGIN_DIRS) {
    let entries;
    try {
      entries = readdirSync(path.join(root, dir), { withFileTypes: true });
    } catch {
      continue;
    }
    for (const entry of entries) {
      if (!entry.isDirectory()) continue;
      const file = path.join(root, dir, entry.name, "package.json");
      try {
        if (JSON.parse(readFileSync(file, "utf8")).roa2web) files.push(file);
      } catch {
        // Not a package (no package.json): a folder such as plugins/examples itself.
      }
    }
  }
  return files.sort();
}

/**
 * Rewrites the `"kernel": "<range>"` line of each plugin manifest that no longer accepts
 * `kernelVersion` (in place, the rest of the file untouched). Returns what it moved.
 */
export function moveKernelRanges(root, kernelVersion) {
  const moved = [];
  for (const file of pluginPackageFiles(root)) {
    const text = readFileSync(file, "utf8");
    const manifest = JSON.parse(text).roa2web;
    const next = movedKernelRange(manifest.kernel, kernelVersion);
    if (next === manifest.kernel) continue;
    const pattern = /("kernel"\s*:\s*)"([^"]*)"/;
    if (!pattern.test(text)) throw new Error(`${file}: no "kernel" line to rewrite`);
    writeFileSync(file, text.replace(pattern, `$1"${next}"`));
    moved.push({ file: path.relative(root, file), from: manifest.kernel, to: next });
  }
  return moved;
}

function main() {
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
  const changeset = spawnSync("changeset", ["version"], { cwd: root, stdio: "inherit" });
  if (changeset.status !== 0) process.exit(changeset.status ?? 1);
  const kernel = JSON.parse(readFileSync(path.join(root, "kernel/core/package.json"), "utf8"));
  const moved = moveKernelRanges(root, kernel.version);
  for (const { file, from, to } of moved) {
    console.log(`${file}: roa2web.kernel ${from} -> ${to} (kernel is now ${kernel.version})`);
  }
  if (moved.length === 0) console.log(`Every plugin accepts kernel ${kernel.version}.`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
