// Instructions per cached dashboard hit in the kernel-served declaration, in-process:
// the report's own part of a cached request (grant, `prepare`, key, L1 peek, headers,
// body), counted by valgrind's callgrind with nothing driven by the wall clock (no
// HTTP, no timers: the HTTP bench's counts move by tens of percent with the machine's
// load, this one does not). `bench/report-hit-loop.ts` is bundled with esbuild and run
// twice, with 0 and with --hits hits after the same warm-up; the difference over the
// hits is the figure. `--earlier <git ref>` counts that commit's sources the same way
// (its kernel/core/src, plugins/reports/src and this loop), for a before/after.
//   node bench/report-hit-instructions.mjs [--hits 20000] [--earlier main]
// Needs valgrind; ~2 minutes per build on two busy cores.
import { execFileSync, spawnSync } from "node:child_process";
import { cpSync, mkdirSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { ROOT, temporaryDir } from "./lib.mjs";

const { values } = parseArgs({
  options: {
    hits: { type: "string", default: "20000" },
    earlier: { type: "string" },
  },
});
const hits = Number(values.hits);
if (spawnSync("valgrind", ["--version"]).error) {
  console.error("valgrind is not installed (apt-get install valgrind)");
  process.exit(1);
}
const work = temporaryDir("roa2web-hit-instructions-");
// esbuild comes with tsup, a dev dependency of the kernel.
const esbuild = path.join(ROOT, "kernel/core/node_modules/.bin/esbuild");
// Written inside plugins/reports/node_modules (out of git's and Biome's way): what
// stays outside the bundle (the native SQLite driver, the PDF and archive packages the
// plugin imports) resolves from there; the rest is bundled, found through NODE_PATH.
const outDir = path.join(ROOT, "plugins/reports/node_modules/.hit-instructions");
const external = readdirSync(path.join(ROOT, "plugins/reports/node_modules"))
  .filter((name) => !name.startsWith("."))
  .map((name) => `--external:${name === "@roa2web" || name === "@types" ? `${name}/*` : name}`);
const nodePath = ["kernel/core/node_modules", "plugins/reports/node_modules"]
  .map((folder) => path.join(ROOT, folder))
  .join(path.delimiter);
mkdirSync(outDir, { recursive: true });
process.once("exit", () => spawnSync("rm", ["-rf", outDir]));

function bundle(label, sourceRoot) {
  const out = path.join(outDir, `${label}.mjs`);
  execFileSync(
    esbuild,
    [
      path.join(sourceRoot, "bench/report-hit-loop.ts"),
      "--bundle",
      "--platform=node",
      "--format=esm",
      "--target=node20",
      ...external,
      `--outfile=${out}`,
      "--log-level=warning",
    ],
    { env: { ...process.env, NODE_PATH: nodePath } },
  );
  return out;
}

function mainThreadInstructions(script, count) {
  const file = path.join(work, `${path.basename(script)}-${count}.callgrind`);
  execFileSync(
    "valgrind",
    [
      "--tool=callgrind",
      "--smc-check=all-non-file",
      "--separate-threads=yes",
      `--callgrind-out-file=${file}`,
      process.execPath,
      script,
      String(count),
    ],
    { stdio: ["ignore", "ignore", "ignore"] },
  );
  let total = 0;
  for (const name of readdirSync(work).filter((f) => f.startsWith(path.basename(file)))) {
    const text = readFileSync(path.join(work, name), "utf8");
    if (/^thread: 1$/m.test(text)) total += Number(/^totals: (\d+)/m.exec(text)?.[1] ?? 0);
  }
  return total;
}

function perHit(label, sourceRoot) {
  const script = bundle(label, sourceRoot);
  const none = mainThreadInstructions(script, 0);
  const some = mainThreadInstructions(script, hits);
  const figure = Math.round((some - none) / hits);
  console.log(`${label}: ${figure} instructions per hit`);
  return figure;
}

const results = { this: perHit("this", ROOT) };
if (values.earlier) {
  // The earlier commit's sources beside this checkout's node_modules (same packages).
  const earlierRoot = path.join(work, "earlier");
  mkdirSync(earlierRoot);
  const archive = execFileSync(
    "git",
    ["archive", values.earlier, "kernel/core/src", "plugins/reports/src"],
    { cwd: ROOT, maxBuffer: 1 << 28 },
  );
  execFileSync("tar", ["-x", "-C", earlierRoot], { input: archive });
  mkdirSync(path.join(earlierRoot, "bench"));
  cpSync(
    path.join(ROOT, "bench/report-hit-loop.ts"),
    path.join(earlierRoot, "bench/report-hit-loop.ts"),
  );
  results.earlier = perHit("earlier", earlierRoot);
}
console.log(JSON.stringify({ node: process.version, hits, instructionsPerHit: results }, null, 2));
