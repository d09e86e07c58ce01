#!/usr/bin/env node
/**
 * `pnpm start`: builds only the workspace packages whose sources changed since their
 * last build, then starts the server in this process. A package is stale when its
 * `dist/` has no stamp (never built, or built before stamps existed), or when a file
 * its build reads differs from the stamp's (sources, package.json, tsconfig, the
 * lockfile); a package that depends on a stale one is rebuilt after it. The log says
 * what is rebuilt and why. `pnpm build` builds everything and stamps every package
 * (`--stamp`); `--check` only prints what a start would rebuild.
 *
 * Content hashes, not modification times: a checkout or a `touch` that leaves the
 * bytes alone does not cost a rebuild.
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const STAMP = path.join("dist", ".build-stamp.json");
/** Folders a build never reads: its output, dependencies, tests, data. */
const SKIPPED_DIRS = new Set([
  "node_modules",
  "dist",
  "test",
  "coverage",
  "test-artifacts",
  "data",
  ".turbo",
]);
const SKIPPED_FILE = /\.test\.ts$|\.tsbuildinfo$|\.db(-wal|-shm|-journal)?$|\.log$/;
/** Files of the repository root every build depends on. */
const ROOT_INPUTS = ["pnpm-lock.yaml", "tsconfig.base.json"];

/** The workspace's packages that have a build script, dependencies first. */
export function workspacePackages(root) {
  const globs = readFileSync(path.join(root, "pnpm-workspace.yaml"), "utf8")
    .split("\n")
    .map((line) => /^\s*-\s*["']?([^"'#\s]+)["']?/.exec(line)?.[1])
    .filter((glob) => glob !== undefined && !glob.includes("@"));
  const folders = globs.flatMap((glob) => {
    if (!glob.endsWith("/*")) return [glob];
    const parent = glob.slice(0, -2);
    const full = path.join(root, parent);
    if (!existsSync(full)) return [];
    return readdirSync(full, { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => path.join(parent, entry.name));
  });
  const packages = [];
  for (const folder of folders) {
    const file = path.join(root, folder, "package.json");
    if (!existsSync(file)) continue;
    const manifest = JSON.parse(readFileSync(file, "utf8"));
    if (!manifest.scripts?.build) continue;
    const dependencies = Object.keys({
      ...manifest.dependencies,
      ...manifest.devDependencies,
      ...manifest.peerDependencies,
    });
    packages.push({ name: manifest.name, folder, dependencies });
  }
  const names = new Set(packages.map((entry) => entry.name));
  for (const entry of packages) {
    entry.dependencies = entry.dependencies.filter((name) => names.has(name));
  }
  // Dependencies first (a stable order otherwise: the workspace's).
  const ordered = [];
  const placed = new Set();
  const place = (entry, trail) => {
    if (placed.has(entry.name)) return;
    if (trail.includes(entry.name)) throw new Error(`Dependency cycle: ${trail.join(" → ")}`);
    for (const name of entry.dependencies) {
      const dependency = packages.find((candidate) => candidate.name === name);
      if (dependency) place(dependency, [...trail, entry.name]);
    }
    placed.add(entry.name);
    ordered.push(entry);
  };
  for (const entry of packages) place(entry, []);
  return ordered;
}

function filesOf(folder, prefix = "") {
  const out = [];
  for (const entry of readdirSync(folder, { withFileTypes: true })) {
    const relative = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) {
      if (!SKIPPED_DIRS.has(entry.name))
        out.push(...filesOf(path.join(folder, entry.name), relative));
    } else if (entry.isFile() && !SKIPPED_FILE.test(entry.name)) {
      out.push(relative);
    }
  }
  return out;
}

function hashFile(file) {
  return createHash("sha256").update(readFileSync(file)).digest("hex").slice(0, 16);
}

/** A hash of every file the package's build reads, by path (`/`-separated). */
export function inputsOf(root, entry) {
  const inputs = {};
  for (const name of ROOT_INPUTS) {
    const file = path.join(root, name);
    if (existsSync(file)) inputs[`<root>/${name}`] = hashFile(file);
  }
  const folder = path.join(root, entry.folder);
  for (const relative of filesOf(folder).sort()) {
    inputs[relative] = hashFile(path.join(folder, relative));
  }
  return inputs;
}

function readStamp(root, entry) {
  try {
    return JSON.parse(readFileSync(path.join(root, entry.folder, STAMP), "utf8"));
  } catch {
    return undefined;
  }
}

function writeStamp(root, entry, inputs) {
  const file = path.join(root, entry.folder, STAMP);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify({ inputs }, null, 1)}\n`);
}

function changedFiles(before, now) {
  const names = new Set([...Object.keys(before), ...Object.keys(now)]);
  return [...names].filter((name) => before[name] !== now[name]).sort();
}

function listed(files) {
  const shown = files.slice(0, 3).join(", ");
  return files.length > 3 ? `${shown} and ${files.length - 3} more` : shown;
}

/**
 * Each package with its inputs now and why it must be rebuilt (`reason` undefined
 * when its build is current).
 */
export function buildPlan(root) {
  const plan = [];
  for (const entry of workspacePackages(root)) {
    const inputs = inputsOf(root, entry);
    let reason;
    if (!existsSync(path.join(root, entry.folder, "dist"))) reason = "not built yet";
    else {
      const stamp = readStamp(root, entry);
      if (!stamp?.inputs) reason = "built without a stamp (by an older start or by hand)";
      else {
        const changed = changedFiles(stamp.inputs, inputs);
        if (changed.length > 0) reason = `changed: ${listed(changed)}`;
      }
    }
    if (reason === undefined) {
      const stale = entry.dependencies.find((name) =>
        plan.some((done) => done.entry.name === name && done.reason !== undefined),
      );
      if (stale) reason = `depends on ${stale}, which is rebuilt`;
    }
    plan.push({ entry, inputs, reason });
  }
  return plan;
}

/** The package manager that started us, when it is pnpm (`pnpm start`). */
function pnpmPath() {
  const execPath = process.env.npm_execpath;
  return execPath && /pnpm/.test(path.basename(execPath)) && /\.(c|m)?js$/.test(execPath)
    ? execPath
    : undefined;
}

function run(command, args, cwd, what) {
  const result = spawnSync(command, args, {
    cwd,
    stdio: "inherit",
    shell: process.platform === "win32" && command === "npm",
  });
  if (result.status !== 0) {
    throw new Error(`The build of ${what} failed (exit ${result.status ?? result.signal})`);
  }
}

/**
 * Runs the stale packages' own build scripts: under pnpm in one `pnpm --filter …`
 * (dependencies first, independent ones in parallel, as `pnpm build` does), else one
 * `npm run build` after another in dependency order.
 */
function runBuilds(root, entries) {
  const pnpm = pnpmPath();
  if (pnpm && entries.length > 1) {
    const filters = entries.flatMap((entry) => ["--filter", entry.name]);
    run(
      process.execPath,
      [pnpm, ...filters, "run", "build"],
      root,
      entries.map((e) => e.name).join(", "),
    );
    return;
  }
  for (const entry of entries) {
    const [command, args] = pnpm
      ? [process.execPath, [pnpm, "run", "build"]]
      : ["npm", ["run", "build"]];
    run(command, args, path.join(root, entry.folder), entry.name);
  }
}

/** Builds what is stale, in dependency order; returns the names rebuilt. */
export function buildStale(root, log = (line) => process.stdout.write(`${line}\n`)) {
  const started = Date.now();
  const plan = buildPlan(root);
  const stale = plan.filter((step) => step.reason !== undefined);
  for (const step of stale) log(`[start] building ${step.entry.name}: ${step.reason}`);
  if (stale.length > 0) {
    runBuilds(
      root,
      stale.map((step) => step.entry),
    );
    for (const step of stale) writeStamp(root, step.entry, inputsOf(root, step.entry));
  }
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  log(
    stale.length === 0
      ? `[start] every package is built and current (${plan.length} checked in ${seconds} s)`
      : `[start] rebuilt ${stale.length} of ${plan.length} packages in ${seconds} s`,
  );
  return stale.map((step) => step.entry.name);
}

/** After a full build: every package's stamp says its build is current. */
export function stampAll(root) {
  for (const entry of workspacePackages(root)) writeStamp(root, entry, inputsOf(root, entry));
}

const invokedDirectly =
  process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href;

if (invokedDirectly) {
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
  const flag = process.argv[2];
  if (flag === "--stamp") {
    stampAll(root);
  } else if (flag === "--check") {
    for (const step of buildPlan(root)) {
      process.stdout.write(`${step.entry.name}: ${step.reason ?? "current"}\n`);
    }
  } else {
    try {
      buildStale(root);
    } catch (error) {
      process.stderr.write(`[start] ${error.message}\n`);
      process.exit(1);
    }
    // The server in this process: the supervisor, which forks each kernel process from
    // dist/main.js (signals reach it as they would `node …/main.js`).
    await import(pathToFileURL(path.join(root, "kernel", "core", "dist", "main.js")).href);
  }
}
