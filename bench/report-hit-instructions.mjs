// Instructions per cached dashboard hit in the kernel-served declaration, in-process:
// the report's own part of a cached request (grant, `prepare`, key, L1 peek, headers,
// body), counted by valgrind's callgrind with nothing driven by the wall clock (no
// HTTP, no timers: the HTTP bench's counts move by tens of percent with the machine's
// load). `bench/report-hit-loop.ts` is bundled with esbuild and run under callgrind
// with counting off while it starts and warms up; only its --hits hits are counted. `--earlier <git ref>` counts that commit's sources the same way
// (its kernel/core/src, plugins/reports/src and this loop), for a before/after.
//   node bench/report-hit-instructions.mjs [--hits 20000] [--warmup 30000] [--earlier main]
// Needs valgrind; ~2 minutes per build on two busy cores.
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { cpSync, mkdirSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { createInterface } from "node:readline";
import { parseArgs } from "node:util";
import { ROOT, temporaryDir } from "./lib.mjs";

const { values } = parseArgs({
  options: {
    hits: { type: "string", default: "20000" },
    warmup: { type: "string", default: "30000" },
    earlier: { type: "string" },
  },
});
const hits = Number(values.hits);
const warmup = Number(values.warmup);
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

/** Counts only the hits: counting is off while it starts and warms up (as the HTTP bench does). */
async function mainThreadInstructions(script, count) {
  const file = path.join(work, `${path.basename(script)}-${count}.callgrind`);
  const child = spawn(
    "valgrind",
    [
      "--tool=callgrind",
      "--instr-atstart=no",
      "--smc-check=all-non-file",
      "--separate-threads=yes",
      `--callgrind-out-file=${file}`,
      process.execPath,
      script,
      String(count),
      String(warmup),
    ],
    { stdio: ["pipe", "pipe", "ignore"] },
  );
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const exited = new Promise((resolve) => child.once("exit", resolve));
  const control = (...args) =>
    execFileSync("callgrind_control", [...args, String(child.pid)], { stdio: "ignore" });
  if ((await lines.next()).value !== "ready") throw new Error(`${script} did not start`);
  control("--instr=on");
  child.stdin.write("go\n");
  await lines.next(); // the hits are done
  control("--instr=off");
  control("--dump");
  child.stdin.end("done\n");
  await exited;
  let total = 0;
  for (const name of readdirSync(work).filter((f) => f.startsWith(path.basename(file)))) {
    const text = readFileSync(path.join(work, name), "utf8");
    if (/^thread: 1$/m.test(text)) total += Number(/^totals: (\d+)/m.exec(text)?.[1] ?? 0);
  }
  return total;
}

async function perHit(label, sourceRoot) {
  const script = bundle(label, sourceRoot);
  const figure = Math.round((await mainThreadInstructions(script, hits)) / hits);
  console.log(`${label}: ${figure} instructions per hit`);
  return figure;
}

const results = { this: await perHit("this", ROOT) };
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
  results.earlier = await perHit("earlier", earlierRoot);
}
console.log(
  JSON.stringify({ node: process.version, hits, warmup, instructionsPerHit: results }, null, 2),
);
