// Issue #4 target: a cached report (L1 hit) keeps >= 0.7x the requests per second of a
// bare Fastify route. One run measures, on the same machine in alternating rounds:
//  - bare Fastify `{ ok: true }` (the target's baseline);
//  - bare Fastify sending the cached dashboard's very bytes (~2 KB), so the cost of a
//    bigger answer is told apart from the cost of the plugin;
//  - the floor of issue #16's target: the same bare server sending those bytes with the
//    very headers the kernel's answer carries (the API's security set, X-Cache, Age,
//    ETag, Cache-Control and a fresh X-Request-Id) and receiving the same request (its
//    Authorization header): what a cached hit would cost if the kernel's own work were
//    free;
//  - the kernel's trivial authenticated plugin route (bench/fixtures/plugins/bench,
//    `bench:read`): everything the kernel does for any API request;
//  - the cached dashboard and a cached small invoices page (L1 hits), same kernel.
// Besides req/s, the server's CPU time per request (from /proc/<pid>/stat, Linux) is
// reported: it moves less than req/s when other work shares the two cores.
// Then --pairs short pairs (1 s of the floor, 1 s of the cached dashboard, order
// alternating, the floor server kept running): this machine has phases of tens of
// seconds in which every process, the floor too, costs up to 1.8x the CPU per request,
// so a round of 5-second targets can put the floor in one phase and the dashboard in
// the other. Adjacent 1-second windows almost always share a phase: the median of the
// per-pair ratios is the figure issue #16's target is read by.
//   node bench/report-hot-path.mjs [--rounds 3] [--duration 8] [--connections 50] [--pairs 30]
//     [--earlier-plugins <folder>] [--earlier-kernel <dist folder>]
// --earlier-plugins: a second kernel loads the plugins of that folder instead of the
// workspace's plugins/ (say, `cp -a plugins/reports .earlier-plugins/` after building an
// earlier commit: a folder directly under the repository, so the copy's node_modules
// links still resolve), and its cached dashboard and invoices page are measured in the
// same rounds.
// --earlier-kernel: a second kernel runs from that build folder (say, `mkdir -p
// kernel/core/.earlier && cp -a kernel/core/dist kernel/core/.earlier/` before a change,
// then build, and pass kernel/core/.earlier/dist: under kernel/core its imports resolve
// the same, and git ignores any dist/), and its trivial route and cached dashboard are
// measured in the same rounds: a kernel change's A/B on the same machine state.
import { writeFileSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import {
  cpuMicros,
  headersForBare,
  kernelEnv,
  LOAD_GENERATOR,
  loadWithCount,
  login,
  median,
  ROOT,
  startServer,
  stopServer,
  temporaryDir,
} from "./lib.mjs";

const { values } = parseArgs({
  options: {
    rounds: { type: "string", default: "3" },
    pairs: { type: "string", default: "30" },
    duration: { type: "string", default: "8" },
    connections: { type: "string", default: "50" },
    "earlier-plugins": { type: "string" },
    "earlier-kernel": { type: "string" },
  },
});
const rounds = Number(values.rounds);
const pairs = Number(values.pairs);
const duration = Number(values.duration);
const connections = Number(values.connections);

function startKernel(pluginsFolder, kernelDist = `${ROOT}kernel/core/dist`) {
  return startServer(
    `${path.resolve(kernelDist)}/main.js`,
    kernelEnv({
      // The reports plugin (from the workspace unless told), plus the one-route bench plugin.
      ...(pluginsFolder ? { PLUGINS_WORKSPACE_DIR: path.resolve(pluginsFolder) } : {}),
      PLUGINS_DIR: `${ROOT}bench/fixtures/plugins`,
      MODULE_TELEGRAM_ENABLED: "false",
      MODULE_DATA_ENTRY_ENABLED: "false",
    }),
  );
}
const kernel = await startKernel();
process.on("exit", () => kernel.child.kill());
const earlier = values["earlier-plugins"]
  ? await startKernel(values["earlier-plugins"])
  : undefined;
process.on("exit", () => earlier?.child.kill());
const earlierKernel = values["earlier-kernel"]
  ? await startKernel(undefined, values["earlier-kernel"])
  : undefined;
process.on("exit", () => earlierKernel?.child.kill());
const base = `http://127.0.0.1:${kernel.port}`;
const headers = { authorization: `Bearer ${await login(kernel.port)}` };

// The current month: an open period (60 s TTL), what the dashboard shows by default.
const period = new Date().toISOString().slice(0, 7);
const dashboardPath = `/api/reports/dashboard?company=1&period=${period}`;
const invoicesPath = `/api/reports/invoices?company=1&period=${period}&type=client&page_size=10`;
const dashboardUrl = `${base}${dashboardPath}`;
const invoicesUrl = `${base}${invoicesPath}`;

let dashboardHeaders;

/** Fetches twice (a miss, then a hit) and answers the hit's body after checking it is from L1. */
async function cachedBody(url, requestHeaders = headers) {
  await fetch(url, { headers: requestHeaders });
  const response = await fetch(url, { headers: requestHeaders });
  const body = await response.text();
  if (response.status !== 200 || response.headers.get("x-cache") !== "HIT-L1") {
    throw new Error(`${url}: ${response.status} ${response.headers.get("x-cache")} ${body}`);
  }
  dashboardHeaders ??= headersForBare(response);
  return body;
}
const dashboardBody = await cachedBody(dashboardUrl);
const invoicesBody = await cachedBody(invoicesUrl);
const payloadFile = path.join(temporaryDir(), "dashboard.json");
writeFileSync(payloadFile, dashboardBody);

async function measure(server, url, requestHeaders = {}) {
  await loadWithCount(url, { headers: requestHeaders, duration: 2, connections }); // warm-up
  const cpuBefore = cpuMicros(server.child.pid);
  const { rate, requests } = await loadWithCount(url, {
    headers: requestHeaders,
    duration,
    connections,
  });
  const cpuPerRequest = (cpuMicros(server.child.pid) - cpuBefore) / requests;
  return { rate, cpuPerRequest };
}

async function bare(env = {}, requestHeaders = {}) {
  const server = await startServer(`${ROOT}bench/servers/bare-fastify.mjs`, env);
  try {
    return await measure(server, `http://127.0.0.1:${server.port}/ping`, requestHeaders);
  } finally {
    await stopServer(server);
  }
}

const targets = {
  bare: () => bare(),
  bareSameBytes: () => bare({ BARE_PAYLOAD_FILE: payloadFile }),
  floor: () =>
    bare(
      { BARE_PAYLOAD_FILE: payloadFile, BARE_HEADERS: JSON.stringify(dashboardHeaders) },
      headers,
    ),
  kernelTrivial: () => measure(kernel, `${base}/api/bench/ping`, headers),
  cachedDashboard: () => measure(kernel, dashboardUrl, headers),
  cachedInvoices: () => measure(kernel, invoicesUrl, headers),
};
if (earlier) {
  const earlierBase = `http://127.0.0.1:${earlier.port}`;
  const earlierHeaders = { authorization: `Bearer ${await login(earlier.port)}` };
  const earlierDashboard = await cachedBody(`${earlierBase}${dashboardPath}`, earlierHeaders);
  if (earlierDashboard !== dashboardBody) throw new Error("the earlier plugin answers otherwise");
  await cachedBody(`${earlierBase}${invoicesPath}`, earlierHeaders);
  targets.earlierDashboard = () =>
    measure(earlier, `${earlierBase}${dashboardPath}`, earlierHeaders);
  targets.earlierInvoices = () => measure(earlier, `${earlierBase}${invoicesPath}`, earlierHeaders);
}
if (earlierKernel) {
  const earlierBase = `http://127.0.0.1:${earlierKernel.port}`;
  const earlierHeaders = { authorization: `Bearer ${await login(earlierKernel.port)}` };
  const earlierDashboard = await cachedBody(`${earlierBase}${dashboardPath}`, earlierHeaders);
  if (earlierDashboard !== dashboardBody) throw new Error("the earlier kernel answers otherwise");
  targets.earlierKernelTrivial = () =>
    measure(earlierKernel, `${earlierBase}/api/bench/ping`, earlierHeaders);
  targets.earlierKernelDashboard = () =>
    measure(earlierKernel, `${earlierBase}${dashboardPath}`, earlierHeaders);
}
const results = Object.fromEntries(Object.keys(targets).map((name) => [name, []]));
for (let round = 1; round <= rounds; round++) {
  // Alternate the order too, so no target always runs right after the same neighbour.
  const names = Object.keys(targets);
  if (round % 2 === 0) names.reverse();
  const line = [];
  for (const name of names) {
    const result = await targets[name]();
    results[name].push(result);
    line.push(`${name} ${result.rate} req/s (${result.cpuPerRequest.toFixed(1)} µs CPU/req)`);
  }
  console.log(`round ${round}: ${line.join(", ")}`);
}

/** 1 second of load on one server: req/s and its CPU per request. */
async function oneSecond(server, url, requestHeaders = headers) {
  const before = cpuMicros(server.child.pid);
  const { rate, requests } = await loadWithCount(url, {
    headers: requestHeaders,
    duration: 1,
    connections,
  });
  return { rate, cpuPerRequest: (cpuMicros(server.child.pid) - before) / requests };
}

const round2 = (value) => Math.round(value * 100) / 100;

function spread(list) {
  const sorted = [...list].sort((a, b) => a - b);
  const at = (q) => round2(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]);
  return { q1: at(0.25), median: round2(median(list)), q3: at(0.75) };
}

/**
 * Quartiles of per-pair ratios of `base` against `target` (base ÷ target by CPU per
 * request, target ÷ base by req/s), each pair two adjacent 1-second windows in
 * alternating order.
 */
async function pairedRatios(base, target) {
  for (let i = 0; i < 3; i++) {
    await base();
    await target();
  }
  const byCpu = [];
  const byRate = [];
  for (let i = 0; i < pairs; i++) {
    const baseFirst = i % 2 === 0;
    const first = baseFirst ? await base() : await target();
    const second = baseFirst ? await target() : await base();
    const [b, t] = baseFirst ? [first, second] : [second, first];
    byCpu.push(b.cpuPerRequest / t.cpuPerRequest);
    byRate.push(t.rate / b.rate);
  }
  return { pairs, cpuPerRequest: spread(byCpu), requestsPerSecond: spread(byRate) };
}

/** The cached dashboard against its floor (the floor server kept running meanwhile). */
async function pairedWindows() {
  const floorServer = await startServer(`${ROOT}bench/servers/bare-fastify.mjs`, {
    BARE_PAYLOAD_FILE: payloadFile,
    BARE_HEADERS: JSON.stringify(dashboardHeaders),
  });
  const floorUrl = `http://127.0.0.1:${floorServer.port}/ping`;
  try {
    return await pairedRatios(
      () => oneSecond(floorServer, floorUrl),
      () => oneSecond(kernel, dashboardUrl),
    );
  } finally {
    await stopServer(floorServer);
  }
}
const paired = pairs > 0 ? await pairedWindows() : undefined;
// With --earlier-kernel: this build against that one, route by route, in paired windows.
let pairedEarlier;
if (pairs > 0 && earlierKernel) {
  const earlierBase = `http://127.0.0.1:${earlierKernel.port}`;
  const earlierHeaders = { authorization: `Bearer ${await login(earlierKernel.port)}` };
  pairedEarlier = {
    trivial: await pairedRatios(
      () => oneSecond(earlierKernel, `${earlierBase}/api/bench/ping`, earlierHeaders),
      () => oneSecond(kernel, `${base}/api/bench/ping`),
    ),
    dashboard: await pairedRatios(
      () => oneSecond(earlierKernel, `${earlierBase}${dashboardPath}`, earlierHeaders),
      () => oneSecond(kernel, dashboardUrl),
    ),
  };
}

await stopServer(kernel);
if (earlier) await stopServer(earlier);
if (earlierKernel) await stopServer(earlierKernel);

const rate = Object.fromEntries(
  Object.entries(results).map(([name, list]) => [name, median(list.map((r) => r.rate))]),
);
const cpu = Object.fromEntries(
  Object.entries(results).map(([name, list]) => [
    name,
    round2(median(list.map((r) => r.cpuPerRequest))),
  ]),
);
const summary = {
  node: process.version,
  loadGenerator: LOAD_GENERATOR,
  rounds,
  durationSeconds: duration,
  connections,
  period,
  bytes: { dashboard: Buffer.byteLength(dashboardBody), invoices: Buffer.byteLength(invoicesBody) },
  reqPerSec: rate,
  cpuMicrosPerRequest: cpu,
  ratioToBare: Object.fromEntries(
    Object.entries(rate).map(([name, value]) => [name, round2(value / rate.bare)]),
  ),
  ratioToKernelTrivial: Object.fromEntries(
    Object.keys(rate)
      .filter((name) => !["bare", "bareSameBytes", "floor", "kernelTrivial"].includes(name))
      .map((name) => [name, round2(rate[name] / rate.kernelTrivial)]),
  ),
  dashboardToBareSameBytes: round2(rate.cachedDashboard / rate.bareSameBytes),
  // Issue #16's target read by adjacent 1-second windows (see the top of this file).
  dashboardToFloorPaired: paired,
  // This build against --earlier-kernel's (earlier ÷ this by CPU: above 1, this is cheaper).
  thisToEarlierKernelPaired: pairedEarlier,
  // Issue #16's target (>= 0.85x): medians of the per-round ratios, by req/s and by the
  // server CPU per request (the steadier figure on a shared machine). The trivial
  // route's own floor is in bench/auth-hot-path.mjs (other bytes and headers).
  toFloor: Object.fromEntries(
    ["cachedDashboard", "earlierKernelDashboard"]
      .filter((name) => results[name])
      .map((name) => [
        name,
        {
          requestsPerSecond: round2(
            median(results[name].map((r, i) => r.rate / results.floor[i].rate)),
          ),
          cpuPerRequest: round2(
            median(results[name].map((r, i) => results.floor[i].cpuPerRequest / r.cpuPerRequest)),
          ),
        },
      ]),
  ),
};
console.log(JSON.stringify(summary, null, 2));
console.log(
  summary.ratioToBare.cachedDashboard >= 0.7
    ? "PASS: cached dashboard >= 0.7x bare Fastify"
    : "BELOW TARGET: cached dashboard < 0.7x bare Fastify",
);
if (paired) {
  const { median: byCpu } = paired.cpuPerRequest;
  console.log(
    byCpu >= 0.85
      ? `PASS: cached dashboard ${byCpu}x of its floor by CPU per request (paired windows, >= 0.85x)`
      : `BELOW TARGET: cached dashboard ${byCpu}x of its floor by CPU per request (paired windows, < 0.85x)`,
  );
}
