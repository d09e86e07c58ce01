// Instructions per request on the hot path, counted by valgrind's callgrind: a figure that
// does not move when other work shares the cores (req/s and CPU time do, by 2-5x on a
// busy machine), for an A/B of a kernel change or the kernel against its floor.
//
// Each target runs alone under `valgrind --tool=callgrind` with counting off while it
// starts and warms up (so V8 has optimised the hot path), then counts exactly
// --requests requests (autocannon, 10 connections) and stops counting. Only the main
// thread is reported: V8's helper threads (concurrent GC marking, compilers) do work
// that depends on wall-clock time, which valgrind stretches ~50x. What is not counted:
// time in the OS (the socket writes, the same number of syscalls per request for every
// target, checked with strace) and what an instruction costs (cache misses,
// megamorphic look-ups run more slowly per instruction too). Repeat runs of one build
// have differed by up to ~10% (timers fire by wall-clock time, so a slower run counts
// more), and the figures depend on the warm-up (after 2,000 requests V8 has not yet
// optimised everything: compare builds only at the same --warmup).
//
// Targets: the kernel's trivial authenticated route (`/api/bench/ping`) and cached
// dashboard (an L1 hit), and their floors: bare Fastify receiving the same request
// (its Authorization header) and sending the same headers (and for the dashboard the
// same bytes) with no auth. Needs `valgrind` (Debian package) and a build.
//   node bench/hot-path-instructions.mjs [--requests 5000] [--warmup 15000]
//     [--earlier-kernel <dist folder>]   (also counts that build's two routes; a copy
//     of an earlier kernel/core/dist under kernel/core, e.g. kernel/core/.earlier/dist)
//     [--kernel-only]   (the kernel's targets only, for an A/B of kernel builds)
//     [--keep <folder>]   (keeps each target's main-thread callgrind file there, for
//     `callgrind_annotate --inclusive=yes <file>` by function)
// One run takes ~10 minutes on two busy cores (valgrind is slow), more with
// --earlier-kernel.
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import autocannon from "autocannon";
import { headersForBare, kernelEnv, login, ROOT, temporaryDir } from "./lib.mjs";

const { values } = parseArgs({
  options: {
    requests: { type: "string", default: "5000" },
    warmup: { type: "string", default: "15000" },
    "earlier-kernel": { type: "string" },
    keep: { type: "string" },
    "kernel-only": { type: "boolean", default: false },
  },
});
const requests = Number(values.requests);
const warmup = Number(values.warmup);
if (spawnSync("valgrind", ["--version"]).error) {
  console.error("valgrind is not installed (apt-get install valgrind)");
  process.exit(1);
}

const work = temporaryDir("roa2web-instructions-");
// One data folder for every kernel of the run: the demo ERP is generated once.
const dataDir = path.join(work, "data");
const period = new Date().toISOString().slice(0, 7);
const DASHBOARD = `/api/reports/dashboard?company=1&period=${period}`;

/** Starts `script` under callgrind with counting off; resolves with its port. */
function startCounted(name, script, env) {
  const out = path.join(work, `${name}.callgrind`);
  const child = spawn(
    "valgrind",
    [
      "--tool=callgrind",
      "--instr-atstart=no",
      // V8 writes and rewrites machine code at run time.
      "--smc-check=all-non-file",
      "--separate-threads=yes",
      `--callgrind-out-file=${out}`,
      process.execPath,
      script,
    ],
    { cwd: ROOT, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] },
  );
  let errors = "";
  child.stderr.on("data", (chunk) => {
    errors = (errors + chunk).slice(-4000);
  });
  return new Promise((resolve, reject) => {
    let buffer = "";
    child.stdout.on("data", (chunk) => {
      buffer += chunk;
      for (const line of buffer.split("\n")) {
        try {
          const port = JSON.parse(line).port;
          if (port) {
            child.stdout.removeAllListeners("data");
            child.stdout.resume();
            resolve({ child, port, out });
            return;
          }
        } catch {}
      }
    });
    child.once("exit", (code) => reject(new Error(`${name} exited with ${code}\n${errors}`)));
  });
}

function load(url, headers, amount) {
  return new Promise((resolve, reject) =>
    // A generous timeout: under valgrind on a loaded machine a request can take seconds.
    autocannon({ url, headers, connections: 10, amount, timeout: 120 }, (error, result) => {
      if (error) reject(error);
      else if (result.non2xx > 0 || result.errors > 0) reject(new Error(`${url}: errors`));
      else resolve(result);
    }),
  );
}

/** Main-thread instructions per request for `url` on a started server. */
async function count({ child, out }, url, headers) {
  await load(url, headers, warmup);
  execFileSync("callgrind_control", ["--instr=on", String(child.pid)], { stdio: "ignore" });
  await load(url, headers, requests);
  execFileSync("callgrind_control", ["--instr=off", String(child.pid)], { stdio: "ignore" });
  execFileSync("callgrind_control", ["--dump", String(child.pid)], { stdio: "ignore" });
  child.removeAllListeners("exit"); // startCounted's: an exit now is no failure
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGKILL");
  await exited;
  const base = path.basename(out);
  let total = 0;
  for (const file of readdirSync(work).filter((f) => f.startsWith(base))) {
    const text = readFileSync(path.join(work, file), "utf8");
    if (!/^thread: 1$/m.test(text)) continue;
    total += Number(/^totals: (\d+)/m.exec(text)?.[1] ?? 0);
    if (values.keep) {
      mkdirSync(values.keep, { recursive: true });
      copyFileSync(path.join(work, file), path.join(values.keep, file));
    }
  }
  return Math.round(total / requests);
}

const results = {};
let token;
let apiHeaders;
let dashboard;

async function kernelTargets(label, dist) {
  const env = kernelEnv({
    DATA_DIR: dataDir,
    PLUGINS_DIR: `${ROOT}bench/fixtures/plugins`,
    MODULE_TELEGRAM_ENABLED: "false",
    MODULE_DATA_ENTRY_ENABLED: "false",
  });
  for (const [target, route] of [
    ["Trivial", "/api/bench/ping"],
    ["Dashboard", DASHBOARD],
  ]) {
    const server = await startCounted(`${label}${target}`, `${path.resolve(dist)}/main.js`, env);
    const base = `http://127.0.0.1:${server.port}`;
    const headers = { authorization: `Bearer ${await login(server.port)}` };
    token ??= headers.authorization;
    await (await fetch(`${base}${route}`, { headers })).text(); // a miss fills L1
    const response = await fetch(`${base}${route}`, { headers });
    const body = await response.text();
    if (response.status !== 200) throw new Error(`${route}: ${response.status} ${body}`);
    const kept = headersForBare(response);
    if (target === "Trivial") apiHeaders ??= kept;
    else dashboard ??= { body, headers: kept };
    results[`${label}${target}`] = await count(server, `${base}${route}`, headers);
    console.log(`${label}${target}: ${results[`${label}${target}`]} instructions per request`);
  }
}

await kernelTargets("kernel", `${ROOT}kernel/core/dist`);
if (values["earlier-kernel"]) await kernelTargets("earlierKernel", values["earlier-kernel"]);
if (values["kernel-only"]) {
  console.log(JSON.stringify({ node: process.version, requests, warmup, results }, null, 2));
  process.exit(0);
}

const payloadFile = path.join(work, "dashboard.json");
writeFileSync(payloadFile, dashboard.body);
for (const [name, env] of [
  ["floorTrivial", { BARE_HEADERS: JSON.stringify(apiHeaders) }],
  [
    "floorDashboard",
    { BARE_HEADERS: JSON.stringify(dashboard.headers), BARE_PAYLOAD_FILE: payloadFile },
  ],
]) {
  const server = await startCounted(name, `${ROOT}bench/servers/bare-fastify.mjs`, env);
  results[name] = await count(server, `http://127.0.0.1:${server.port}/ping`, {
    authorization: token,
  });
  console.log(`${name}: ${results[name]} instructions per request`);
}

const ratio = (a, b) => Math.round((results[a] / results[b]) * 100) / 100;
const summary = {
  node: process.version,
  requests,
  warmup,
  mainThreadInstructionsPerRequest: results,
  // What req/s would be if instructions were all a request cost (floor / kernel).
  floorToKernel: {
    trivial: ratio("floorTrivial", "kernelTrivial"),
    dashboard: ratio("floorDashboard", "kernelDashboard"),
  },
  kernelOverFloor: {
    trivial: results.kernelTrivial - results.floorTrivial,
    dashboard: results.kernelDashboard - results.floorDashboard,
  },
};
if (results.earlierKernelTrivial) {
  summary.earlierToThis = {
    trivial: ratio("earlierKernelTrivial", "kernelTrivial"),
    dashboard: ratio("earlierKernelDashboard", "kernelDashboard"),
  };
}
console.log(JSON.stringify(summary, null, 2));
