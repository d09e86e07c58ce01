#!/usr/bin/env node
/**
 * The published @roa2web/create-plugin carries what it copies: the notes example
 * (template/notes, without build output and installs), the workspace's base compiler
 * options, and the versions a standalone plugin depends on (template/versions.json:
 * the published @roa2web packages' versions and the toolchain's ranges, read from this
 * checkout when the package is built). In the checkout the scaffold reads all three
 * from the workspace itself, so template/ is build output (git-ignored).
 */
import { cpSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { publishedVersions } from "../bin/create-plugin.mjs";

const packageDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const repoRoot = path.resolve(packageDir, "..", "..");
const template = path.join(packageDir, "template");
const SKIPPED = new Set(["dist", "node_modules", "coverage", "CHANGELOG.md"]);

rmSync(template, { recursive: true, force: true });
mkdirSync(template, { recursive: true });
cpSync(path.join(repoRoot, "plugins", "examples", "notes"), path.join(template, "notes"), {
  recursive: true,
  filter: (source) => {
    const name = path.basename(source);
    return !SKIPPED.has(name) && !name.endsWith(".tsbuildinfo");
  },
});
cpSync(path.join(repoRoot, "tsconfig.base.json"), path.join(template, "tsconfig.base.json"));
writeFileSync(
  path.join(template, "versions.json"),
  `${JSON.stringify(publishedVersions(), null, 2)}\n`,
);
