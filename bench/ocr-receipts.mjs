// Issue #5: OCR accuracy and speed on the receipt scans in ../shared/data/receipts.
// Runs the data-entry OCR pool (built dist) over every scan, scores the field
// extraction and a plain regex baseline against ground-truth.json, and, when Debian's
// `tesseract` is installed, the native engine on the same scans in the same run
// (OMP_THREAD_LIMIT=1, as many processes in parallel as pool workers, same psm).
//   npx pnpm --filter @roa2web/plugin-data-entry run build
//   node bench/ocr-receipts.mjs [--workers 2] [--psm 6] [--preprocess grayscale-normalize|grayscale|threshold|none] [--dump dir] [--skip-native]
import { execFile, execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

const ROOT = fileURLToPath(new URL("../", import.meta.url));
const { values } = parseArgs({
  options: {
    workers: { type: "string", default: "2" },
    psm: { type: "string", default: "6" },
    preprocess: { type: "string", default: "grayscale-normalize" },
    receipts: { type: "string", default: path.join(ROOT, "../shared/data/receipts") },
    dump: { type: "string" },
    "skip-native": { type: "boolean", default: false },
  },
});

const dist = path.join(ROOT, "plugins/data-entry/dist/index.js");
if (!existsSync(dist)) {
  console.error("Build first: npx pnpm --filter @roa2web/plugin-data-entry run build");
  process.exit(1);
}
if (!existsSync(path.join(values.receipts, "ground-truth.json"))) {
  console.error(`No receipts at ${values.receipts} (ground-truth.json missing)`);
  process.exit(1);
}
const { OcrPool, extractFields, fold } = await import(dist);

const truth = JSON.parse(readFileSync(path.join(values.receipts, "ground-truth.json"), "utf8"));
const workers = Number(values.workers);
const mb = (bytes) => Math.round((bytes / 1024 / 1024) * 10) / 10;
const normaliseMerchant = (text) => fold(text ?? "").replace(/[^A-Z0-9]/g, "");

function merchantRight(expected, actual) {
  const a = normaliseMerchant(expected);
  const b = normaliseMerchant(actual);
  if (a === "" || b.length < 3) return false;
  return b.includes(a) || a.includes(b);
}

// What a first attempt with regular expressions would do: the first "12,34" after
// SUMME (else after ZU ZAHLEN / TOTAL), the first date, the first line.
function regexBaseline(text) {
  const total = text.match(/(?:SUMME|ZU ZAHLEN|TOTAL)[^\d]*?(\d+,\d\d)/i);
  const date = text.match(/(\d{2})\.(\d{2})\.(\d{4}|\d{2})(?!\d)/);
  const year = date ? (date[3].length === 2 ? `20${date[3]}` : date[3]) : null;
  return {
    merchant: text.split("\n").find((line) => line.trim() !== "") ?? null,
    total: total ? Number(total[1].replace(",", ".")) : null,
    date: date ? `${year}-${date[2]}-${date[1]}` : null,
  };
}

function score(rows, pick) {
  const result = { total: 0, date: 0, merchant: 0, all: 0, of: rows.length };
  for (const row of rows) {
    const fields = pick(row);
    const total =
      fields.total !== null && Math.round(fields.total * 100) === Math.round(row.truth.total * 100);
    const date = fields.date === row.truth.date;
    const merchant = merchantRight(row.truth.merchant, fields.merchant);
    result.total += total ? 1 : 0;
    result.date += date ? 1 : 0;
    result.merchant += merchant ? 1 : 0;
    result.all += total && date && merchant ? 1 : 0;
  }
  return result;
}

// --- tesseract.js pool ---------------------------------------------------------------
const pool = new OcrPool({
  size: workers,
  pageSegmentationMode: values.psm,
  preprocess: values.preprocess,
  jobTimeoutMs: 120_000,
});
const rssStart = process.memoryUsage().rss;
const warmStart = performance.now();
pool.start();
await pool.ready;
const warmupSeconds = (performance.now() - warmStart) / 1000;
const rssReady = process.memoryUsage().rss;

// Event-loop health while OCR runs: the largest lateness of a 20 ms interval.
let maxLag = 0;
let expected = performance.now() + 20;
const ticker = setInterval(() => {
  const now = performance.now();
  maxLag = Math.max(maxLag, now - expected);
  expected = now + 20;
}, 20);

// The main thread while OCR runs: event-loop utilisation and delay percentiles (a
// delay with little utilisation is waiting for a core, not blocking work).
const delay = monitorEventLoopDelay({ resolution: 10 });
delay.enable();
const eluStart = performance.eventLoopUtilization();
const started = performance.now();
const rows = await Promise.all(
  truth.map(async (entry) => {
    const image = readFileSync(path.join(values.receipts, entry.file));
    const jobStart = performance.now();
    const ocr = await pool.recognize(image);
    const seconds = (performance.now() - jobStart) / 1000;
    return { truth: entry, ocr, seconds, fields: extractFields(ocr) };
  }),
);
const poolSeconds = (performance.now() - started) / 1000;
clearInterval(ticker);
delay.disable();
const elu = performance.eventLoopUtilization(eluStart);
const mainThread = {
  utilisation: Math.round(elu.utilization * 1000) / 1000,
  activeMs: Math.round(elu.active),
  delayP50Ms: Math.round(delay.percentile(50) / 1e5) / 10,
  delayP99Ms: Math.round(delay.percentile(99) / 1e5) / 10,
  delayMaxMs: Math.round(delay.max / 1e5) / 10,
};
const rssAfter = process.memoryUsage().rss;
const poolStatus = pool.status();
await pool.close();

if (values.dump) {
  mkdirSync(values.dump, { recursive: true });
  for (const row of rows) {
    writeFileSync(path.join(values.dump, `${row.truth.file}.txt`), row.ocr.text);
    writeFileSync(
      path.join(values.dump, `${row.truth.file}.json`),
      JSON.stringify({ truth: row.truth, fields: row.fields, lines: row.ocr.lines }, null, 1),
    );
  }
}

// --- native tesseract, same scans, same psm ------------------------------------------
function hasNative() {
  try {
    execFileSync("tesseract", ["--version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

async function runNative() {
  const env = { ...process.env, OMP_THREAD_LIMIT: "1" };
  const queue = [...truth];
  const texts = new Map();
  const one = (entry) =>
    new Promise((resolve, reject) => {
      execFile(
        "tesseract",
        [
          path.join(values.receipts, entry.file),
          "stdout",
          "-l",
          "deu",
          "--oem",
          "1",
          "--psm",
          values.psm,
        ],
        { env, maxBuffer: 16 * 1024 * 1024 },
        (error, stdout) => (error ? reject(error) : resolve(stdout)),
      );
    });
  const nativeStart = performance.now();
  await Promise.all(
    Array.from({ length: workers }, async () => {
      for (let entry = queue.shift(); entry; entry = queue.shift()) {
        texts.set(entry.file, await one(entry));
      }
    }),
  );
  return { seconds: (performance.now() - nativeStart) / 1000, texts };
}

let native = null;
if (!values["skip-native"] && hasNative()) {
  const run = await runNative();
  const nativeRows = truth.map((entry) => {
    const text = run.texts.get(entry.file) ?? "";
    return { truth: entry, fields: extractFields({ text }) };
  });
  native = {
    command: `OMP_THREAD_LIMIT=1 tesseract <scan> stdout -l deu --oem 1 --psm ${values.psm} (${workers} in parallel)`,
    version: execFileSync("tesseract", ["--version"]).toString().split("\n")[0],
    seconds: Math.round(run.seconds * 100) / 100,
    secondsPerReceipt: Math.round((run.seconds / truth.length) * 100) / 100,
    receiptsPerMinute: Math.round((truth.length / run.seconds) * 60 * 10) / 10,
    extractorOnNativeText: score(nativeRows, (row) => row.fields),
  };
}

const poolPerMinute = (truth.length / poolSeconds) * 60;
const summary = {
  receipts: truth.length,
  node: process.version,
  relaxedSimd: WebAssembly.validate(
    new Uint8Array([
      0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 15, 1, 13, 0, 65, 1, 253,
      15, 65, 2, 253, 15, 253, 128, 2, 11,
    ]),
  ),
  settings: { workers, psm: values.psm, oem: 1, preprocess: values.preprocess, languages: ["deu"] },
  accuracy: {
    extractor: score(rows, (row) => row.fields),
    regexBaseline: score(rows, (row) => regexBaseline(row.ocr.text)),
  },
  pool: {
    warmupSeconds: Math.round(warmupSeconds * 100) / 100,
    seconds: Math.round(poolSeconds * 100) / 100,
    secondsPerReceipt: Math.round((poolSeconds / truth.length) * 100) / 100,
    meanLatencySeconds:
      Math.round((rows.reduce((sum, row) => sum + row.seconds, 0) / rows.length) * 100) / 100,
    receiptsPerMinute: Math.round(poolPerMinute * 10) / 10,
    maxEventLoopLagMs: Math.round(maxLag),
    mainThread,
    status: poolStatus,
  },
  memory: { rssStartMB: mb(rssStart), rssReadyMB: mb(rssReady), rssAfterMB: mb(rssAfter) },
  native,
  poolVsNative: native ? Math.round((poolPerMinute / native.receiptsPerMinute) * 100) / 100 : null,
  misses: rows
    .filter(
      (row) =>
        row.fields.total === null ||
        Math.round(row.fields.total * 100) !== Math.round(row.truth.total * 100) ||
        row.fields.date !== row.truth.date ||
        !merchantRight(row.truth.merchant, row.fields.merchant),
    )
    .map((row) => ({
      file: row.truth.file,
      expected: { merchant: row.truth.merchant, date: row.truth.date, total: row.truth.total },
      got: { merchant: row.fields.merchant, date: row.fields.date, total: row.fields.total },
    })),
};
console.log(JSON.stringify(summary, null, 2));
