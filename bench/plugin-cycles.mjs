import { parseArgs } from "node:util";
import { pino } from "pino";
import { ROOT, temporaryDir } from "./lib.mjs";

const { createKernel, loadConfig } = await import(`${ROOT}kernel/core/dist/index.js`);
const { values } = parseArgs({
  options: {
    plugin: { type: "string", default: "good" },
    cycles: { type: "string", default: "100" },
    warmup: { type: "string", default: "5" },
  },
});
const cycles = Number(values.cycles);
const warmupCycles = Number(values.warmup);
if (typeof global.gc !== "function") throw new Error("run with node --expose-gc");

const settings = loadConfig({
  root: ROOT,
  ignoreDotenv: true,
  env: {
    ROA2WEB_ENV: "test",
    DATA_DIR: temporaryDir("roa2web-cycles-"),
    PLUGINS_WORKSPACE_DIR: `${ROOT}kernel/core/test/fixtures/plugins`,
    AUTH_CREATE_DEMO_USER: "true",
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

function rounded({ rssMb, heapUsedMb }) {
  return { rssMb: Math.round(rssMb), heapUsedMb: Math.round(heapUsedMb * 10) / 10 };
}

function snapshot() {
  global.gc();
  global.gc();
  const memory = process.memoryUsage();
  return { rssMb: memory.rss / 2 ** 20, heapUsedMb: memory.heapUsed / 2 ** 20 };
}

// Warm-up cycles, so lazily-initialised caches and the allocator's first arenas are in the baseline.
for (let cycle = 0; cycle < warmupCycles; cycle++) {
  for (const action of ["disable", "enable", "reload"])
    await call("POST", `/api/kernel/plugins/${values.plugin}/${action}`);
  await call("GET", "/api/good/ping");
}
const before = snapshot();
const started = performance.now();
const swapTimes = [];
const checkpoints = [];
for (let cycle = 0; cycle < cycles; cycle++) {
  if (cycle > 0 && cycle % 50 === 0) checkpoints.push({ cycle, ...rounded(snapshot()) });
  for (const action of ["disable", "enable", "reload"]) {
    const t = performance.now();
    await call("POST", `/api/kernel/plugins/${values.plugin}/${action}`);
    swapTimes.push(performance.now() - t);
  }
  await call("GET", "/api/good/ping");
}
const elapsed = performance.now() - started;
const after = snapshot();
await kernel.stop();
swapTimes.sort((a, b) => a - b);
const result = {
  node: process.version,
  cycles,
  warmupCycles,
  actions: swapTimes.length,
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
  checkpoints: [...checkpoints, { cycle: cycles, ...rounded(after) }],
  goodModuleEvaluations: globalThis.__goodFixtureEvaluations,
};
console.log(JSON.stringify(result, null, 2));
console.log(
  result.rssMb.growth < 30 ? "PASS: RSS growth < 30 MB" : "ABOVE TARGET: RSS growth >= 30 MB",
);
