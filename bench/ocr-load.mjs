// Issue #5 targets: `/health` answers with p99 under 20 ms while OCR runs, and memory
// stays bounded over 200 receipts (workers recycled). Starts the built kernel (its own
// process, OCR on, language deu) and, through the real HTTP API, creates receipts from
// the scans in ../shared/data/receipts (cycled) with `POST /receipts/from-image`,
// keeping the pool busy (workers + 1 jobs in flight) and following each job with
// `GET /ocr/:job_id` until it ends. Meanwhile this process asks `GET /health` every
// ~50 ms. Baseline in the same run: the same sampling with OCR idle (workers ready, no
// job). The kernel's RSS (VmRSS of /proc/<pid>/status) is read every --every receipts.
//   npx -y pnpm@10.34.9 build
// --nice sets DATA_ENTRY_OCR_NICE (the worker threads' nice value; default 10, 0 = off).
//   node bench/ocr-load.mjs [--receipts 200] [--workers 2] [--recycle-after 50] [--nice 10] [--every 20] [--idle-seconds 10]
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { kernelEnv, login, ROOT, startServer, stopServer } from "./lib.mjs";

const { values } = parseArgs({
  options: {
    receipts: { type: "string", default: "200" },
    workers: { type: "string", default: "2" },
    "recycle-after": { type: "string", default: "50" },
    nice: { type: "string", default: "10" },
    every: { type: "string", default: "20" },
    "idle-seconds": { type: "string", default: "10" },
    interval: { type: "string", default: "50" },
    scans: { type: "string", default: path.join(ROOT, "../shared/data/receipts") },
  },
});
const total = Number(values.receipts);
const workers = Number(values.workers);
const every = Number(values.every);
const intervalMs = Number(values.interval);

const scans = readdirSync(values.scans)
  .filter((name) => /\.(jpe?g|png)$/i.test(name))
  .sort()
  .map((name) => ({ name, data: readFileSync(path.join(values.scans, name)) }));
if (scans.length === 0) throw new Error(`no scans in ${values.scans}`);

const kernel = await startServer(
  `${ROOT}kernel/core/dist/main.js`,
  kernelEnv({
    DATA_ENTRY_OCR_ENABLED: "true",
    DATA_ENTRY_OCR_WORKERS: String(workers),
    DATA_ENTRY_OCR_LANGUAGES: "deu",
    DATA_ENTRY_OCR_RECYCLE_AFTER: values["recycle-after"],
    DATA_ENTRY_OCR_NICE: values.nice,
  }),
);
const base = `http://127.0.0.1:${kernel.port}`;
const pid = kernel.child.pid;

function memory() {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = (field) => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
  return { rssMB: Math.round(kb("VmRSS") / 1024), peakMB: Math.round(kb("VmHWM") / 1024) };
}

async function health() {
  const response = await fetch(`${base}/health`);
  return response.json();
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Samples GET /health every `intervalMs` until `stop()`; resolves with latencies (ms). */
function sampleHealth() {
  const latencies = [];
  let running = true;
  const done = (async () => {
    while (running) {
      const started = performance.now();
      const response = await fetch(`${base}/health`);
      await response.arrayBuffer();
      const elapsed = performance.now() - started;
      latencies.push(elapsed);
      await sleep(Math.max(0, intervalMs - elapsed));
    }
    return latencies;
  })();
  return {
    stop: () => {
      running = false;
      return done;
    },
  };
}

function percentiles(list) {
  const sorted = [...list].sort((a, b) => a - b);
  const at = (p) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
  const round = (value) => Math.round(value * 10) / 10;
  return {
    samples: sorted.length,
    p50: round(at(50)),
    p95: round(at(95)),
    p99: round(at(99)),
    max: round(sorted[sorted.length - 1]),
  };
}

try {
  const token = await login(kernel.port);
  const auth = { authorization: `Bearer ${token}` };

  // Wait for the pool: /health shows the plugin's OCR state.
  const readyBy = Date.now() + 60_000;
  for (;;) {
    const body = await health();
    const plugin = body.plugins?.find((entry) => entry.name === "data-entry");
    if (plugin?.data?.ocr === "ready" && plugin.data.ocr_workers?.ready === workers) break;
    if (plugin?.data?.ocr === "failed") throw new Error(`OCR failed: ${plugin.detail}`);
    if (Date.now() > readyBy) throw new Error(`OCR not ready: ${JSON.stringify(plugin)}`);
    await sleep(200);
  }
  const memoryIdle = memory();

  // Baseline: OCR idle.
  const idle = sampleHealth();
  await sleep(Number(values["idle-seconds"]) * 1000);
  const idleLatencies = await idle.stop();

  // Load: keep workers + 1 receipts in flight until `total` are done.
  const memorySamples = [{ receipts: 0, ...memoryIdle }];
  let submitted = 0;
  let finished = 0;
  let failed = 0;
  const busy = sampleHealth();
  const started = performance.now();
  async function one(index) {
    const scan = scans[index % scans.length];
    const form = new FormData();
    form.append("company_id", "1");
    form.append("file", new Blob([scan.data], { type: "image/jpeg" }), scan.name);
    const created = await fetch(`${base}/api/data-entry/receipts/from-image`, {
      method: "POST",
      headers: auth,
      body: form,
    });
    const receipt = await created.json();
    if (created.status !== 201 || !receipt.ocr_job_id) {
      throw new Error(`from-image ${created.status}: ${JSON.stringify(receipt)}`);
    }
    for (;;) {
      await sleep(250);
      const job = await (
        await fetch(`${base}/api/data-entry/ocr/${receipt.ocr_job_id}`, { headers: auth })
      ).json();
      if (job.state === "done") return;
      if (job.state === "failed") {
        failed++;
        return;
      }
    }
  }
  await Promise.all(
    Array.from({ length: workers + 1 }, async () => {
      while (submitted < total) {
        const index = submitted++;
        await one(index);
        finished++;
        if (finished % every === 0) {
          const sample = { receipts: finished, ...memory() };
          memorySamples.push(sample);
          console.error(JSON.stringify(sample));
        }
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const busyLatencies = await busy.stop();
  const finalHealth = await health();
  const plugin = finalHealth.plugins?.find((entry) => entry.name === "data-entry");

  console.log(
    JSON.stringify(
      {
        node: process.version,
        settings: {
          receipts: total,
          workers,
          recycleAfter: Number(values["recycle-after"]),
          nice: Number(values.nice),
          healthIntervalMs: intervalMs,
          scans: scans.length,
        },
        health: { ocrIdle: percentiles(idleLatencies), ocrBusy: percentiles(busyLatencies) },
        ocr: {
          seconds: Math.round(seconds),
          receiptsPerMinute: Math.round((finished / seconds) * 60 * 10) / 10,
          failed,
          pool: plugin?.data,
        },
        memory: memorySamples,
      },
      null,
      2,
    ),
  );
} finally {
  await stopServer(kernel);
}
