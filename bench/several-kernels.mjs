// Issue #18: requests per second through nginx of a cached report and of an
// authenticated write, with 1, 2 and 3 kernels on PostgreSQL + Redis, against the
// embedded default (1 kernel on SQLite, no DATABASE_URL/REDIS_URL) behind the same
// nginx, all measured in ONE run on this machine, in alternating rounds (every target
// once per round; medians over the rounds), so a machine whose load moves (other work on
// the two cores) moves every target alike.
//   - read: GET the reports dashboard (current month, company 1), warmed on every kernel
//     first (a hit in each kernel's L1; with Redis, L2 holds it for all), with a bearer
//     token;
//   - write: POST /api/data-entry/receipts, a receipt draft as a user records one (one
//     INSERT of the receipt and one of its history line in the data-entry plugin's
//     database, behind the same token). Every target starts on an empty database of its
//     own (a fresh SQLite DATA_DIR, a fresh PostgreSQL database, its own Redis database
//     number and key prefix); the drafts go with them when the bench ends.
// Every kernel: its own process (`node kernel/core/dist/main.js`, ROA2WEB_SUPERVISOR=off),
// its own DATA_DIR, NODE_ENV=production, LOG_LEVEL=warn, one JWT secret per target, the
// demo ERP and the demo user (ROA2WEB_ENV=development: production mode would ask for Oracle
// and a real user). nginx is @roa2web/test-servers' (round robin, keep-alive upstreams),
// PostgreSQL and Redis are Debian's, started on loopback by this bench.
// Per point: req/s, p50/p99 latency, failed (socket errors + non-2xx), the ratio to the
// SQLite baseline, and where the CPU went (from /proc: the target's kernels, nginx,
// PostgreSQL, Redis, the load generator, and the rest of the machine), in cores.
//   node bench/several-kernels.mjs [--rounds 3] [--duration 5] [--warmup 1]
//     [--connections 50] [--kernels 1,2,3] [--json <file>]
import { execFile, spawn } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs, promisify } from "node:util";
import {
  freePort,
  missingServers,
  startNginx,
  startPostgres,
  startRedis,
} from "@roa2web/test-servers";
import autocannon from "autocannon";
import {
  CLOCK_TICKS,
  cpuMicros,
  LOAD_GENERATOR,
  median,
  processTree,
  ROOT,
  sleep,
  temporaryDir,
} from "./lib.mjs";

const { values } = parseArgs({
  options: {
    rounds: { type: "string", default: "3" },
    duration: { type: "string", default: "5" },
    warmup: { type: "string", default: "1" },
    connections: { type: "string", default: "50" },
    kernels: { type: "string", default: "1,2,3" },
    json: { type: "string" },
  },
});
const rounds = Number(values.rounds);
const duration = Number(values.duration);
const warmup = Number(values.warmup);
const connections = Number(values.connections);
const kernelCounts = values.kernels.split(",").map(Number);

const missing = missingServers(["postgres", "redis", "nginx"]);
if (missing.length > 0) {
  console.log(`several-kernels: skipped, not installed: ${missing.join(", ")}`);
  process.exit(0);
}

const MAIN = `${ROOT}kernel/core/dist/main.js`;
const period = new Date().toISOString().slice(0, 7);
const DASHBOARD = `/api/reports/dashboard?company=1&period=${period}`;
const RECEIPTS = "/api/data-entry/receipts";
const RECEIPT = JSON.stringify({
  company_id: 1,
  merchant: "OMV Petrom",
  tax_id: "RO1590082",
  date: new Date().toISOString().slice(0, 10),
  total: 121,
  vat: 21,
  currency: "RON",
});

// Each kernel's DATA_DIR and each server's folder is removed by an exit hook: a dozen.
process.setMaxListeners(50);

/** Every kernel process this bench started: killed (with their tree) however it ends. */
const started = new Set();
process.on("exit", () => {
  for (const child of started) child.kill("SIGKILL");
});
for (const signal of ["SIGINT", "SIGTERM"]) process.once(signal, () => process.exit(130));

async function startKernel(env) {
  const port = await freePort();
  const child = spawn(process.execPath, [MAIN], {
    cwd: ROOT,
    env: {
      ...process.env,
      ROA2WEB_ENV: "development",
      NODE_ENV: "production",
      LOG_PRETTY: "false",
      LOG_LEVEL: "warn",
      // Same-origin only, as behind the proxy in production.
      CORS_ORIGINS: "",
      ROA2WEB_SUPERVISOR: "off",
      DATA_ENTRY_OCR_ENABLED: "false",
      MODULE_TELEGRAM_ENABLED: "false",
      TRUST_PROXY: "127.0.0.1",
      DATA_DIR: temporaryDir("roa2web-bench-kernel-"),
      PORT: String(port),
      ...env,
    },
    stdio: ["ignore", "ignore", "inherit"],
  });
  started.add(child);
  const exited = new Promise((resolve) => child.once("exit", resolve));
  const deadline = Date.now() + 180_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`a kernel exited (${child.exitCode}) at start`);
    if (Date.now() > deadline) throw new Error(`a kernel on port ${port} did not start`);
    try {
      if ((await fetch(`http://127.0.0.1:${port}/health`)).status === 200) break;
    } catch {
      // not listening yet
    }
    await sleep(100);
  }
  return {
    port,
    pid: child.pid,
    async stop() {
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 15_000);
      await exited;
      clearTimeout(timer);
      started.delete(child);
    },
  };
}

/** Starts a target: its kernels (the first alone: it migrates), then nginx in front. */
async function startTarget(name, count, env) {
  const kernels = [await startKernel(env)];
  kernels.push(...(await Promise.all(Array.from({ length: count - 1 }, () => startKernel(env)))));
  const nginx = await startNginx({
    upstreams: kernels.map((kernel) => `127.0.0.1:${kernel.port}`),
  });
  const login = await fetch(`${nginx.url}/api/auth/login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ username: "demo", password: "demo" }),
  });
  if (login.status !== 200) throw new Error(`${name}: sign-in ${login.status}`);
  const headers = { authorization: `Bearer ${(await login.json()).access_token}` };
  // Warm: enough round-robin requests that every kernel served the dashboard (and has it
  // in its L1), each one checked.
  for (let index = 0; index < count * 4; index += 1) {
    const response = await fetch(`${nginx.url}${DASHBOARD}`, { headers });
    if (response.status !== 200) throw new Error(`${name}: dashboard ${response.status}`);
    await response.arrayBuffer();
  }
  const write = await fetch(`${nginx.url}${RECEIPTS}`, {
    method: "POST",
    headers: { ...headers, "content-type": "application/json" },
    body: RECEIPT,
  });
  if (write.status !== 201)
    throw new Error(`${name}: receipt ${write.status} ${await write.text()}`);
  return { name, count, kernels, nginx, headers };
}

// --- where the CPU goes (Linux /proc) ---------------------------------------------------

function comm(pid) {
  try {
    return readFileSync(`/proc/${pid}/comm`, "utf8").trim();
  } catch {
    return "";
  }
}

/** The bench's own CPU and what its waited-for children (wrk) used, in µs. */
function selfTimes() {
  const stat = readFileSync("/proc/self/stat", "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const ticks = (index) => (Number(fields[index]) * 1e6) / CLOCK_TICKS;
  return { self: ticks(11) + ticks(12), children: ticks(13) + ticks(14) };
}

/** Busy and total CPU time of the whole machine, in µs (/proc/stat's first line). */
function machineTimes() {
  const [, ...numbers] = readFileSync("/proc/stat", "utf8").split("\n")[0].trim().split(/\s+/);
  const ticks = numbers.map(Number);
  const idle = ticks[3] + ticks[4];
  const total = ticks.slice(0, 8).reduce((sum, value) => sum + value, 0);
  return { busy: ((total - idle) * 1e6) / CLOCK_TICKS };
}

/**
 * CPU so far of each of the target's kernels and of every nginx, PostgreSQL and Redis
 * process, by pid (a PostgreSQL backend may come or go between two samples).
 */
function sampleCpu(target) {
  const pids = new Map();
  for (const kernel of target.kernels)
    pids.set(kernel.pid, { key: "kernels", cpu: cpuMicros(kernel.pid) });
  for (const pid of processTree(process.pid)) {
    const key = { nginx: "nginx", "redis-server": "redis", postgres: "postgres" }[comm(pid)];
    if (key) pids.set(pid, { key, cpu: cpuMicros(pid) });
  }
  return { pids, own: selfTimes(), machine: machineTimes(), at: process.hrtime.bigint() };
}

/**
 * Cores used between two samples, per part: each process's CPU in the second sample less
 * its CPU in the first (all of it when it started in between; one that ended in between
 * is not counted).
 */
function coresBetween(before, after) {
  const seconds = Number(after.at - before.at) / 1e9;
  const cores = (micros) => micros / 1e6 / seconds;
  const micros = { kernels: 0, nginx: 0, postgres: 0, redis: 0 };
  for (const [pid, { key, cpu }] of after.pids) {
    const earlier = before.pids.get(pid)?.cpu ?? 0;
    if (Number.isFinite(cpu) && Number.isFinite(earlier)) micros[key] += cpu - earlier;
  }
  const parts = Object.fromEntries(
    Object.entries(micros).map(([key, value]) => [key, cores(value)]),
  );
  parts.loadGenerator = cores(
    LOAD_GENERATOR === "wrk"
      ? after.own.children - before.own.children
      : after.own.self - before.own.self,
  );
  const ours = Object.values(parts).reduce((sum, value) => sum + value, 0);
  parts.machine = cores(after.machine.busy - before.machine.busy);
  parts.rest = Math.max(0, parts.machine - ours);
  return parts;
}

// --- the load ---------------------------------------------------------------------------

const run = promisify(execFile);
const scriptDir = temporaryDir("roa2web-bench-wrk-");

/** wrk's Lua for a request: method, body, headers. */
function wrkScript(name, method, headers, body) {
  const file = path.join(scriptDir, `${name}.lua`);
  const lines = [`wrk.method = "${method}"`];
  for (const [header, value] of Object.entries(headers))
    lines.push(`wrk.headers["${header}"] = "${value}"`);
  if (body !== undefined) lines.push(`wrk.body = ${JSON.stringify(body)}`);
  writeFileSync(file, `${lines.join("\n")}\n`);
  return file;
}

/** ms from wrk's "50%    1.23ms" lines. */
function wrkLatency(output, percent) {
  const match = new RegExp(`^\\s+${percent}%\\s+([\\d.]+)(us|ms|s)\\s*$`, "m").exec(output);
  if (!match) return Number.NaN;
  const scale = { us: 0.001, ms: 1, s: 1000 }[match[2]];
  return Number(match[1]) * scale;
}

async function loadOnce(target, kind, seconds) {
  const url = `${target.nginx.url}${kind === "read" ? DASHBOARD : RECEIPTS}`;
  const method = kind === "read" ? "GET" : "POST";
  const headers =
    kind === "read" ? target.headers : { ...target.headers, "content-type": "application/json" };
  const body = kind === "read" ? undefined : RECEIPT;
  if (LOAD_GENERATOR === "wrk") {
    const script = wrkScript(`${target.name}-${kind}`, method, headers, body);
    const { stdout } = await run(
      "wrk",
      [
        "-t1",
        `-c${connections}`,
        `-d${seconds}s`,
        "--timeout",
        "5s",
        "--latency",
        "-s",
        script,
        url,
      ],
      { encoding: "utf8" },
    );
    const rate = /Requests\/sec:\s+([\d.]+)/.exec(stdout);
    if (!rate) throw new Error(`cannot read wrk's output:\n${stdout}`);
    const bad = Number(/Non-2xx or 3xx responses: (\d+)/.exec(stdout)?.[1] ?? 0);
    const socket = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(
      stdout,
    );
    const errors = socket ? socket.slice(1).reduce((sum, value) => sum + Number(value), 0) : 0;
    return {
      rate: Number(rate[1]),
      p50: wrkLatency(stdout, 50),
      p99: wrkLatency(stdout, 99),
      failed: bad + errors,
    };
  }
  const result = await autocannon({ url, method, headers, body, duration: seconds, connections });
  return {
    rate: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    failed: result.non2xx + result.errors,
  };
}

async function measure(target, kind) {
  if (warmup > 0) await loadOnce(target, kind, warmup);
  const before = sampleCpu(target);
  const result = await loadOnce(target, kind, duration);
  return { ...result, cpu: coresBetween(before, sampleCpu(target)), load: os.loadavg()[0] };
}

// --- the run ----------------------------------------------------------------------------

console.log(
  `several-kernels: ${LOAD_GENERATOR}, ${connections} connections, ${rounds} rounds of ${duration} s ` +
    `(after ${warmup} s of warm-up), ${os.cpus().length} cores, load average ${os.loadavg()[0].toFixed(1)} at start`,
);
const [postgres, redis] = await Promise.all([startPostgres(), startRedis()]);
const targets = [];
try {
  targets.push(
    await startTarget("sqlite, 1 kernel", 1, {
      JWT_SECRET: "bench-several-kernels-0123456789abcdef",
    }),
  );
  for (const [index, count] of kernelCounts.entries()) {
    targets.push(
      await startTarget(`pg+redis, ${count} kernel${count > 1 ? "s" : ""}`, count, {
        DATABASE_URL: await postgres.createDatabase(),
        REDIS_URL: `${redis.url}/${index + 1}`,
        // Pub/sub channels ignore the database number: a prefix of its own keeps another
        // target's cache invalidations away from this one's kernels.
        REDIS_KEY_PREFIX: `bench-${index + 1}:`,
        JWT_SECRET: `bench-several-kernels-${index}-0123456789abcdef`,
      }),
    );
  }
  const results = new Map(targets.map((target) => [target.name, { read: [], write: [] }]));
  for (let round = 1; round <= rounds; round += 1) {
    for (const target of targets) {
      for (const kind of ["read", "write"]) {
        const point = await measure(target, kind);
        results.get(target.name)[kind].push(point);
        console.log(
          `   round ${round} ${target.name.padEnd(20)} ${kind.padEnd(5)} ${Math.round(point.rate)} req/s, ` +
            `p50 ${point.p50.toFixed(1)} ms, p99 ${point.p99.toFixed(1)} ms, ${point.failed} failed, ` +
            `load ${point.load.toFixed(1)}`,
        );
      }
    }
  }

  const summary = [];
  for (const kind of ["read", "write"]) {
    const baseline = median(results.get(targets[0].name)[kind].map((point) => point.rate));
    for (const target of targets) {
      const points = results.get(target.name)[kind];
      const pick = (key) => median(points.map((point) => point[key]));
      const cpu = Object.fromEntries(
        Object.keys(points[0].cpu).map((key) => [
          key,
          median(points.map((point) => point.cpu[key])),
        ]),
      );
      summary.push({
        kind,
        target: target.name,
        kernels: target.count,
        rate: Math.round(pick("rate")),
        ratio: pick("rate") / baseline,
        p50: pick("p50"),
        p99: pick("p99"),
        failed: points.reduce((sum, point) => sum + point.failed, 0),
        kernelMicrosPerRequest: median(
          points.map((point) => (point.cpu.kernels * 1e6) / point.rate),
        ),
        load: pick("load"),
        cpu,
      });
    }
  }
  const fmt = (value) => value.toFixed(2);
  console.log(
    "\n| load | target | req/s | vs SQLite | p50 ms | p99 ms | failed | kernel µs/req | kernels | nginx | PG | Redis | load gen. | rest of machine | load avg |",
  );
  console.log(
    "| --- | --- | --: | --: | --: | --: | --: | --: | --: | --: | --: | --: | --: | --: | --: |",
  );
  for (const row of summary) {
    console.log(
      `| ${row.kind === "read" ? "cached dashboard" : "receipt draft"} | ${row.target} | ${row.rate} | ` +
        `${row.ratio.toFixed(2)}x | ${row.p50.toFixed(1)} | ${row.p99.toFixed(1)} | ${row.failed} | ` +
        `${Math.round(row.kernelMicrosPerRequest)} | ` +
        `${fmt(row.cpu.kernels)} | ${fmt(row.cpu.nginx)} | ${fmt(row.cpu.postgres)} | ${fmt(row.cpu.redis)} | ` +
        `${fmt(row.cpu.loadGenerator)} | ${fmt(row.cpu.rest)} | ${row.load.toFixed(1)} |`,
    );
  }
  console.log(
    "(CPU in cores: medians over the rounds; the machine has",
    os.cpus().length,
    "cores)",
  );
  if (values.json)
    writeFileSync(values.json, JSON.stringify({ summary, results: [...results] }, null, 2));
  const failed = summary.reduce((sum, row) => sum + row.failed, 0);
  if (failed > 0) {
    console.log(`several-kernels: ${failed} requests failed`);
    process.exitCode = 1;
  }
} finally {
  for (const target of targets) {
    await target.nginx.stop();
    for (const kernel of target.kernels) await kernel.stop();
  }
  await Promise.all([postgres.stop(), redis.stop()]);
}
