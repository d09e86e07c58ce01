// Memory and time of plugin reloads (issue #3: < 30 MB after 100 cycles; issue #16:
// 100 reloads of any plugin < 30 MB of RSS growth). The kernel runs in this process;
// RSS and heap are read after two forced GCs, after a warm-up.
//   node --expose-gc bench/plugin-cycles.mjs [--plugin good|reports|data-entry|notes|bundled]
//        [--cycles 100] [--warmup 5] [--actions reload | disable,enable,reload]
// `good` is the test fixture (a database, a service, an event handler); `reports`,
// `data-entry` and `notes` are the real plugins (built dist); `bundled` is the reports
// plugin bundled with its npm dependencies into a folder outside the workspace (esbuild,
// one file per entry point plus shared chunks, as an outside author would ship it).
// Every other plugin is switched off. Each cycle runs the actions, then one GET route
// of the plugin.
import { cpSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { parseArgs } from "node:util";
import v8 from "node:v8";
import { pino } from "pino";
import { ROOT, temporaryDir } from "./lib.mjs";

const { values } = parseArgs({
  options: {
    plugin: { type: "string", default: "good" },
    cycles: { type: "string", default: "100" },
    warmup: { type: "string", default: "5" },
    actions: { type: "string", default: "disable,enable,reload" },
    // A folder: writes before.heapsnapshot and after.heapsnapshot there (to diff in
    // Chrome DevTools' Comparison view, or bench/heap-diff.mjs).
    snapshots: { type: "string" },
  },
});
const cycles = Number(values.cycles);
const warmupCycles = Number(values.warmup);
const actions = values.actions.split(",");
if (typeof global.gc !== "function") throw new Error("run with node --expose-gc");

/** Where the plugin comes from, its manifest name, and a cheap GET route to call. */
const TARGETS = {
  good: {
    name: "good",
    dirs: () => ({ workspace: `${ROOT}kernel/core/test/fixtures/plugins`, extra: [] }),
    url: "/api/good/ping",
  },
  reports: {
    name: "reports",
    dirs: () => ({ workspace: `${ROOT}plugins`, extra: [] }),
    url: "/api/reports/cache/stats",
  },
  "data-entry": {
    name: "data-entry",
    dirs: () => ({ workspace: `${ROOT}plugins`, extra: [] }),
    url: "/api/data-entry/receipts?company=1",
  },
  notes: {
    name: "notes",
    dirs: () => ({
      workspace: temporaryDir("roa2web-cycles-empty-"),
      extra: [`${ROOT}plugins/examples`],
    }),
    url: "/api/notes/?company=1",
  },
  bundled: {
    name: "reports",
    dirs: () => ({ workspace: temporaryDir("roa2web-cycles-empty-"), extra: [bundleReports()] }),
    url: "/api/reports/cache/stats",
  },
};
const target = TARGETS[values.plugin];
if (!target) throw new Error(`--plugin must be one of ${Object.keys(TARGETS).join(", ")}`);

let bundleMb;

/** Bytes of the .js files under a folder (the server code of a bundle, not its UI). */
function jsBytes(folder) {
  let total = 0;
  for (const entry of readdirSync(folder, { withFileTypes: true })) {
    const file = path.join(folder, entry.name);
    if (entry.isDirectory()) total += entry.name === "ui" ? 0 : jsBytes(file);
    else if (entry.name.endsWith(".js")) total += statSync(file).size;
  }
  return total;
}

/** The reports plugin's dist, bundled with its npm dependencies, in a folder of its own. */
function bundleReports() {
  const source = `${ROOT}plugins/reports`;
  const outside = temporaryDir("roa2web-cycles-outside-");
  const root = path.join(outside, "reports");
  mkdirSync(root, { recursive: true });
  const entries = [
    `${source}/dist/plugin.js`,
    ...readdirSync(`${source}/dist/routes`)
      .filter((file) => file.endsWith(".js"))
      .map((file) => `${source}/dist/routes/${file}`),
  ];
  // esbuild comes with tsup (a root dev dependency), not as a dependency of its own.
  const fromRoot = createRequire(`${ROOT}package.json`);
  const esbuild = createRequire(fromRoot.resolve("tsup"))("esbuild");
  esbuild.buildSync({
    entryPoints: entries,
    outdir: path.join(root, "dist"),
    outbase: `${source}/dist`,
    bundle: true,
    splitting: true,
    format: "esm",
    platform: "node",
    target: "node20",
    logLevel: "error",
    // CommonJS dependencies bundled into ESM call require() for Node's own modules.
    banner: {
      js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
    },
  });
  const manifest = JSON.parse(readFileSync(`${source}/package.json`, "utf8"));
  writeFileSync(
    path.join(root, "package.json"),
    JSON.stringify({
      name: manifest.name,
      version: manifest.version,
      type: "module",
      roa2web: manifest.roa2web,
    }),
  );
  cpSync(`${source}/dist/ui`, path.join(root, "dist/ui"), { recursive: true });
  // Font files are data, read by path at run time: shipped beside the bundle.
  const fonts = path.dirname(
    createRequire(`${source}/package.json`).resolve("dejavu-fonts-ttf/package.json"),
  );
  cpSync(fonts, path.join(root, "node_modules/dejavu-fonts-ttf"), { recursive: true });
  bundleMb = jsBytes(path.join(root, "dist")) / 2 ** 20;
  return outside;
}

const { createKernel, loadConfig } = await import(`${ROOT}kernel/core/dist/index.js`);
const { workspace, extra } = target.dirs();
const moduleSwitches = Object.fromEntries(
  ["REPORTS", "DATA_ENTRY", "TELEGRAM", "NOTES", "GOOD", "BAD_MANIFEST", "BROKEN"].map((name) => [
    `MODULE_${name}_ENABLED`,
    String(name === target.name.toUpperCase().replace("-", "_")),
  ]),
);
const settings = loadConfig({
  root: ROOT,
  ignoreDotenv: true,
  env: {
    ROA2WEB_ENV: "test",
    DATA_DIR: temporaryDir("roa2web-cycles-"),
    PLUGINS_WORKSPACE_DIR: workspace,
    ...(extra.length > 0 ? { PLUGINS_DIR: extra.join(",") } : {}),
    AUTH_CREATE_DEMO_USER: "true",
    ...moduleSwitches,
  },
});
const kernel = await createKernel(settings, { logger: pino({ level: "silent" }) });
const app = () => kernel.switchboard.activeApp;
const login = await app().inject({
  method: "POST",
  url: "/api/auth/login",
  payload: { username: "demo", password: "demo" },
});
const headers = { authorization: `Bearer ${login.json().access_token}` };
const call = async (method, url) => {
  const response = await app().inject({ method, url, headers });
  if (response.statusCode >= 500)
    throw new Error(`${method} ${url}: ${response.statusCode} ${response.body}`);
  return response;
};
const probe = await call("GET", target.url);
if (probe.statusCode !== 200)
  throw new Error(`GET ${target.url} answered ${probe.statusCode}: ${probe.body.slice(0, 300)}`);

function rounded({
  rssMb,
  anonMb,
  fileMb,
  heapUsedMb,
  heapTotalMb,
  mallocedMb,
  externalMb,
  codeMb,
}) {
  const tenth = (mb) => Math.round(mb * 10) / 10;
  return {
    rssMb: Math.round(rssMb),
    anonMb: tenth(anonMb),
    fileMb: tenth(fileMb),
    heapUsedMb: tenth(heapUsedMb),
    heapTotalMb: tenth(heapTotalMb),
    mallocedMb: tenth(mallocedMb),
    externalMb: tenth(externalMb),
    codeMb: tenth(codeMb),
  };
}

/** A /proc/self/status field in MB (NaN where there is none). */
function procStatus(field) {
  try {
    const line = readFileSync("/proc/self/status", "utf8")
      .split("\n")
      .find((entry) => entry.startsWith(`${field}:`));
    return Number(line?.split(/\s+/)[1]) / 1024;
  } catch {
    return Number.NaN;
  }
}

function snapshot() {
  global.gc();
  global.gc();
  const memory = process.memoryUsage();
  const code = v8.getHeapSpaceStatistics().find((space) => space.space_name === "code_space");
  return {
    rssMb: memory.rss / 2 ** 20,
    // Linux splits RSS: anonymous memory (heaps, malloc) and file pages (the node
    // binary's and libraries' code paged in as it first runs).
    anonMb: procStatus("RssAnon"),
    fileMb: procStatus("RssFile"),
    heapUsedMb: memory.heapUsed / 2 ** 20,
    // What V8 holds from the system for its heap, used or not.
    heapTotalMb: memory.heapTotal / 2 ** 20,
    // V8's own malloc outside the heap (compiler zones, tables).
    mallocedMb: v8.getHeapStatistics().malloced_memory / 2 ** 20,
    // Buffers and other memory V8 objects hold outside the heap (a font read, a file).
    externalMb: memory.external / 2 ** 20,
    // Compiled machine code: each function compiled from a new source text adds to it.
    codeMb: (code?.space_used_size ?? 0) / 2 ** 20,
  };
}

async function cycle(times) {
  for (const action of actions) {
    const t = performance.now();
    await call("POST", `/api/kernel/plugins/${target.name}/${action}`);
    times?.push(performance.now() - t);
  }
  const response = await call("GET", target.url);
  if (response.statusCode !== 200) throw new Error(`GET ${target.url}: ${response.statusCode}`);
}

// Warm-up cycles, so lazily-initialised caches and the allocator's first arenas are in the baseline.
for (let i = 0; i < warmupCycles; i++) await cycle();
const before = snapshot();
if (values.snapshots) v8.writeHeapSnapshot(path.join(values.snapshots, "before.heapsnapshot"));
const started = performance.now();
const swapTimes = [];
const checkpoints = [];
const checkpointEvery = Math.max(1, Math.floor(cycles / 4));
for (let i = 0; i < cycles; i++) {
  if (i > 0 && i % checkpointEvery === 0) checkpoints.push({ cycle: i, ...rounded(snapshot()) });
  await cycle(swapTimes);
}
const elapsed = performance.now() - started;
const after = snapshot();
if (values.snapshots) v8.writeHeapSnapshot(path.join(values.snapshots, "after.heapsnapshot"));
await kernel.stop();
swapTimes.sort((a, b) => a - b);
const result = {
  node: process.version,
  plugin: values.plugin,
  ...(bundleMb === undefined ? {} : { bundleMb: Math.round(bundleMb * 10) / 10 }),
  actions,
  cycles,
  warmupCycles,
  actionCount: swapTimes.length,
  seconds: Math.round(elapsed / 100) / 10,
  actionMs: {
    median: Math.round(swapTimes[Math.floor(swapTimes.length / 2)]),
    p95: Math.round(swapTimes[Math.floor(swapTimes.length * 0.95)]),
  },
  rssMb: {
    before: Math.round(before.rssMb),
    after: Math.round(after.rssMb),
    growth: Math.round((after.rssMb - before.rssMb) * 10) / 10,
  },
  heapUsedMb: {
    before: Math.round(before.heapUsedMb),
    after: Math.round(after.heapUsedMb),
    growth: Math.round((after.heapUsedMb - before.heapUsedMb) * 10) / 10,
  },
  anonMb: { growth: Math.round((after.anonMb - before.anonMb) * 10) / 10 },
  fileMb: { growth: Math.round((after.fileMb - before.fileMb) * 10) / 10 },
  externalMb: { growth: Math.round((after.externalMb - before.externalMb) * 10) / 10 },
  codeMb: { growth: Math.round((after.codeMb - before.codeMb) * 10) / 10 },
  checkpoints: [...checkpoints, { cycle: cycles, ...rounded(after) }],
  goodModuleEvaluations: globalThis.__goodFixtureEvaluations,
};
console.log(JSON.stringify(result, null, 2));
console.log(
  result.rssMb.growth < 30 ? "PASS: RSS growth < 30 MB" : "ABOVE TARGET: RSS growth >= 30 MB",
);
