// Issue #5: OCR accuracy and speed on the receipt scans in ../shared/data/receipts.
// Runs the data-entry OCR pool (built dist) over every scan, scores the field
// extraction and a plain regex baseline against ground-truth.json, and, when Debian's
// `tesseract` is installed, the native engine on the same scans in the same run
// (OMP_THREAD_LIMIT=1, as many processes in parallel as pool workers, same psm), with
// the same language data as the pool (the npm package's 4.0.0_best_int model, via
// --tessdata-dir) and, for reference, with Debian's own tesseract-ocr-deu data (the
// smaller tessdata_fast model). --nice is the pool's worker thread nice (default 10).
// --rotate 90|180|270 turns every scan's pixels first (sharp, as a sideways scanner or a
// photo without EXIF would deliver it): the pool's orientation recovery (docs/ocr.md).
//   npx pnpm --filter @roa2web/plugin-data-entry run build
//   node bench/ocr-receipts.mjs [--dist plugins/data-entry/dist] [--workers 2] [--psm 6] [--preprocess grayscale-normalize|grayscale|threshold|none] [--nice 10] [--rotate 0] [--dump dir] [--skip-native]
import { execFile, execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { gunzipSync } from "node:zlib";

const ROOT = fileURLToPath(new URL("../", import.meta.url));
const { values } = parseArgs({
  options: {
    workers: { type: "string", default: "2" },
    psm: { type: "string", default: "6" },
    preprocess: { type: "string", default: "grayscale-normalize" },
    nice: { type: "string", default: "10" },
    rotate: { type: "string", default: "0" },
    // The pool's languages (the server's default is DATA_ENTRY_OCR_LANGUAGES=ron,deu,eng;
    // the scans are German).
    languages: { type: "string", default: "deu" },
    receipts: { type: "string", default: path.join(ROOT, "../shared/data/receipts") },
    dump: { type: "string" },
    "skip-native": { type: "boolean", default: false },
    // Another build of the plugin (e.g. a copy of an older dist/ inside
    // plugins/data-entry/, so its dependencies resolve) to compare in the same session.
    dist: { type: "string", default: path.join(ROOT, "plugins/data-entry/dist") },
  },
});

const dist = path.join(path.resolve(values.dist), "index.js");
if (!existsSync(dist)) {
  console.error("Build first: npx pnpm --filter @roa2web/plugin-data-entry run build");
  process.exit(1);
}
if (!existsSync(path.join(values.receipts, "ground-truth.json"))) {
  console.error(`No receipts at ${values.receipts} (ground-truth.json missing)`);
  process.exit(1);
}
const { OcrPool, extractFields, fold } = await import(dist);

// CPU seconds of this process (all its threads) and of its waited-for children, from
// /proc/self/stat: on a shared machine CPU time per receipt moves less than wall time.
function cpuSeconds() {
  const stat = readFileSync("/proc/self/stat", "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const ticks = (index) => Number(fields[index]);
  // utime, stime, cutime, cstime are fields 14–17 (index 11–14 after the name).
  return { self: (ticks(11) + ticks(12)) / 100, children: (ticks(13) + ticks(14)) / 100 };
}
const round2 = (value) => Math.round(value * 100) / 100;

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

const rotate = Number(values.rotate);
const sharp =
  rotate === 0 ? null : createRequire(path.join(ROOT, "plugins/data-entry/package.json"))("sharp");
const turned = (image) =>
  sharp ? sharp(image).rotate(rotate, { background: "#fff" }).jpeg().toBuffer() : image;

// --- tesseract.js pool ---------------------------------------------------------------
const pool = new OcrPool({
  size: workers,
  languages: values.languages.split(","),
  pageSegmentationMode: values.psm,
  preprocess: values.preprocess,
  threadNice: Number(values.nice),
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
const cpuStart = cpuSeconds().self;
const started = performance.now();
const rows = await Promise.all(
  truth.map(async (entry) => {
    const image = await turned(readFileSync(path.join(values.receipts, entry.file)));
    const jobStart = performance.now();
    const ocr = await pool.recognize(image);
    const seconds = (performance.now() - jobStart) / 1000;
    return { truth: entry, ocr, seconds, fields: extractFields(ocr) };
  }),
);
const poolSeconds = (performance.now() - started) / 1000;
const poolCpuSeconds = cpuSeconds().self - cpuStart;
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

// The pool's own language data, unpacked where the native CLI can read it.
function poolTessdata() {
  const pluginRequire = createRequire(path.join(ROOT, "plugins/data-entry/package.json"));
  const manifest = pluginRequire.resolve("@tesseract.js-data/deu/package.json");
  const packed = path.join(path.dirname(manifest), "4.0.0_best_int/deu.traineddata.gz");
  const folder = mkdtempSync(path.join(os.tmpdir(), "roa2web-tessdata-"));
  writeFileSync(path.join(folder, "deu.traineddata"), gunzipSync(readFileSync(packed)));
  return folder;
}

/** tessdataDir null: the CLI's own (Debian's tesseract-ocr-deu). */
async function runNative(tessdataDir) {
  const env = { ...process.env, OMP_THREAD_LIMIT: "1" };
  const data = tessdataDir ? ["--tessdata-dir", tessdataDir] : [];
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
          ...data,
        ],
        { env, maxBuffer: 16 * 1024 * 1024 },
        (error, stdout) => (error ? reject(error) : resolve(stdout)),
      );
    });
  const cpuBefore = cpuSeconds().children;
  const nativeStart = performance.now();
  await Promise.all(
    Array.from({ length: workers }, async () => {
      for (let entry = queue.shift(); entry; entry = queue.shift()) {
        texts.set(entry.file, await one(entry));
      }
    }),
  );
  return {
    seconds: (performance.now() - nativeStart) / 1000,
    cpuSeconds: cpuSeconds().children - cpuBefore,
    texts,
  };
}

async function nativeFigures(tessdataDir, data) {
  const run = await runNative(tessdataDir);
  const nativeRows = truth.map((entry) => {
    const text = run.texts.get(entry.file) ?? "";
    return { truth: entry, fields: extractFields({ text }) };
  });
  const dataOption = tessdataDir ? " --tessdata-dir <pool's data>" : "";
  return {
    data,
    command: `OMP_THREAD_LIMIT=1 tesseract <scan> stdout -l deu --oem 1 --psm ${values.psm}${dataOption} (${workers} in parallel)`,
    version: execFileSync("tesseract", ["--version"]).toString().split("\n")[0],
    seconds: Math.round(run.seconds * 100) / 100,
    secondsPerReceipt: Math.round((run.seconds / truth.length) * 100) / 100,
    cpuSecondsPerReceipt: round2(run.cpuSeconds / truth.length),
    receiptsPerMinute: Math.round((truth.length / run.seconds) * 60 * 10) / 10,
    extractorOnNativeText: score(nativeRows, (row) => row.fields),
  };
}

let native = null;
let nativeDebianData = null;
// The native CLI reads the files as they are: no comparison for turned scans.
if (!values["skip-native"] && rotate === 0 && hasNative()) {
  const tessdata = poolTessdata();
  try {
    native = await nativeFigures(
      tessdata,
      "same as the pool: @tesseract.js-data/deu 4.0.0_best_int",
    );
  } finally {
    rmSync(tessdata, { recursive: true, force: true });
  }
  nativeDebianData = await nativeFigures(null, "Debian tesseract-ocr-deu (tessdata_fast)");
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
  settings: {
    workers,
    psm: values.psm,
    oem: 1,
    preprocess: values.preprocess,
    nice: Number(values.nice),
    rotate,
    languages: ["deu"],
  },
  accuracy: {
    extractor: score(rows, (row) => row.fields),
    regexBaseline: score(rows, (row) => regexBaseline(row.ocr.text)),
  },
  pool: {
    warmupSeconds: Math.round(warmupSeconds * 100) / 100,
    seconds: Math.round(poolSeconds * 100) / 100,
    secondsPerReceipt: Math.round((poolSeconds / truth.length) * 100) / 100,
    cpuSecondsPerReceipt: round2(poolCpuSeconds / truth.length),
    meanLatencySeconds:
      Math.round((rows.reduce((sum, row) => sum + row.seconds, 0) / rows.length) * 100) / 100,
    receiptsPerMinute: Math.round(poolPerMinute * 10) / 10,
    maxEventLoopLagMs: Math.round(maxLag),
    mainThread,
    status: poolStatus,
  },
  memory: { rssStartMB: mb(rssStart), rssReadyMB: mb(rssReady), rssAfterMB: mb(rssAfter) },
  native,
  nativeDebianData,
  poolVsNative: native ? Math.round((poolPerMinute / native.receiptsPerMinute) * 100) / 100 : null,
  // Native CPU per receipt over the pool's: the same comparison, less moved by load.
  cpuPoolVsNative: native
    ? round2(native.cpuSecondsPerReceipt / (poolCpuSeconds / truth.length))
    : null,
  poolVsNativeDebianData: nativeDebianData
    ? Math.round((poolPerMinute / nativeDebianData.receiptsPerMinute) * 100) / 100
    : null,
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
