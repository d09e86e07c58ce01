// Issue #5, PDF receipts: how long pdfjs takes to read typical receipt PDFs and how long
// it holds the event loop — on the main thread (what the kernel would suffer) and
// through the data-entry PdfReader (a worker thread per PDF, what ships).
//   npx pnpm@10.34.9 --filter @roa2web/plugin-data-entry run build
//   node bench/pdf-read.mjs [--runs 7] [--scan ../shared/data/receipts/aldi_02032020_19_02423.jpg]
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

const ROOT = fileURLToPath(new URL("../", import.meta.url));
const PACKAGE = path.join(ROOT, "plugins/data-entry");
const { values } = parseArgs({
  options: {
    runs: { type: "string", default: "7" },
    scan: {
      type: "string",
      default: path.join(ROOT, "../shared/data/receipts/aldi_02032020_19_02423.jpg"),
    },
  },
});
const dist = path.join(PACKAGE, "dist/index.js");
if (!existsSync(dist)) {
  console.error("Build first: npx pnpm@10.34.9 --filter @roa2web/plugin-data-entry run build");
  process.exit(1);
}
const { PdfReader } = await import(dist);
const require = createRequire(path.join(PACKAGE, "package.json"));
const PDFDocument = require("pdfkit");
const sharp = require("sharp");
const pdfjsPath = require.resolve("pdfjs-dist/legacy/build/pdf.mjs");
const runs = Number(values.runs);

function build(draw) {
  return new Promise((resolve) => {
    const document = new PDFDocument({ size: "A4", margin: 40 });
    const chunks = [];
    document.on("data", (chunk) => chunks.push(chunk));
    document.on("end", () => resolve(Buffer.concat(chunks)));
    draw(document);
    document.end();
  });
}

function receiptPage(document, page) {
  document.fontSize(22).text("Bäckerei Müller GmbH", 60, 60);
  document.fontSize(11).text("Hauptstraße 12, 33100 Paderborn");
  for (let line = 0; line < 40; line++) {
    document.text(`Artikel ${page}-${line} Roggenbrot 750g`, 60, 140 + line * 15, {
      lineBreak: false,
    });
    document.text("3,49 A", 380, 140 + line * 15, { lineBreak: false });
  }
  document.text("SUMME EUR 139,60", 60, 760);
}

const scan = readFileSync(values.scan);
const files = {
  "text, 1 page": await build((document) => receiptPage(document, 1)),
  "text, 3 pages": await build((document) => {
    for (let page = 1; page <= 3; page++) {
      if (page > 1) document.addPage();
      receiptPage(document, page);
    }
  }),
  "scan (JPEG), 1 page": await build((document) => {
    document.image(scan, 40, 40, { fit: [515, 760] });
  }),
};
// pdfkit's image() needs the PNG before the document is drawn.
const png = await sharp(scan).png().toBuffer();
files["scan (PNG), 1 page"] = await build((document) => {
  document.image(png, 40, 40, { fit: [515, 760] });
});

/**
 * Runs `task` while a 1 ms timer measures the longest gap the event loop could not serve
 * (`blocked`), or, with `ticks: false`, without the timer: then `busy` is the time the
 * main thread spent running rather than waiting (event-loop utilisation).
 */
async function measure(task, { ticks = true } = {}) {
  let last = performance.now();
  let worst = 0;
  const timer = ticks
    ? setInterval(() => {
        const now = performance.now();
        worst = Math.max(worst, now - last);
        last = now;
      }, 1)
    : undefined;
  const started = performance.now();
  const before = performance.eventLoopUtilization();
  await task();
  const wall = performance.now() - started;
  const busy = performance.eventLoopUtilization(before).active;
  // Let the timer fire once more, so a block that ended the task is counted.
  await new Promise((resolve) => setTimeout(resolve, 5));
  clearInterval(timer);
  return { wall, blocked: worst, busy };
}

const median = (numbers) => [...numbers].sort((a, b) => a - b)[Math.floor(numbers.length / 2)];
const fmt = (ms) => `${Math.round(ms)}`;

const imported = await measure(() => import(pdfjsPath));
const pdfjs = await import(pdfjsPath);
async function onMainThread(bytes) {
  const document = await pdfjs.getDocument({
    data: new Uint8Array(bytes),
    isEvalSupported: false,
    isOffscreenCanvasSupported: false,
    isImageDecoderSupported: false,
    verbosity: 0,
  }).promise;
  for (let number = 1; number <= Math.min(3, document.numPages); number++) {
    const page = await document.getPage(number);
    await page.getTextContent();
    const operators = await page.getOperatorList();
    for (let index = 0; index < operators.fnArray.length; index++) {
      if (operators.fnArray[index] !== pdfjs.OPS.paintImageXObject) continue;
      const name = operators.argsArray[index][0];
      await new Promise((resolve) => page.objs.get(name, resolve));
    }
  }
  await document.destroy();
}

const reader = new PdfReader();
console.log(
  `Node ${process.version}, ${runs} runs each (first run dropped), pdfjs import on the main thread: ${fmt(imported.wall)} ms`,
);
console.log(
  "| PDF | size | main thread: ms | main thread: longest stall, ms (median / worst) | worker: ms | worker: longest stall, ms (median / worst) | worker: main thread busy, ms (median) |",
);
console.log("| --- | --- | --- | --- | --- | --- | --- |");
// The noise floor: the same timer around a task that holds nothing (a loaded machine
// delays timers without anything blocking).
const idle = [];
for (let run = 0; run < runs; run++) {
  const sleep = () => new Promise((resolve) => setTimeout(resolve, 100));
  idle.push({ ...(await measure(sleep)), busy: (await measure(sleep, { ticks: false })).busy });
}
console.log(
  `| (nothing: a 100 ms sleep) | | | | | ${fmt(median(idle.map((m) => m.blocked)))} / ${fmt(Math.max(...idle.map((m) => m.blocked)))} | ${fmt(median(idle.map((m) => m.busy)))} |`,
);
// All worker runs first, then the main-thread ones: pdfjs on the main thread leaves
// garbage (decoded images) whose collection would be counted against the worker.
const results = new Map();
for (const [name, bytes] of Object.entries(files)) {
  const worker = [];
  for (let run = 0; run <= runs; run++) {
    const measured = {
      ...(await measure(() => reader.read(bytes))),
      busy: (await measure(() => reader.read(bytes), { ticks: false })).busy,
    };
    if (run > 0) worker.push(measured);
  }
  results.set(name, { worker });
}
for (const [name, bytes] of Object.entries(files)) {
  const main = [];
  for (let run = 0; run <= runs; run++) {
    const measured = await measure(() => onMainThread(bytes));
    if (run > 0) main.push(measured);
  }
  const { worker } = results.get(name);
  const kb = Math.round(bytes.byteLength / 1024);
  console.log(
    `| ${name} | ${kb} KB | ${fmt(median(main.map((m) => m.wall)))} | ${fmt(median(main.map((m) => m.blocked)))} / ${fmt(Math.max(...main.map((m) => m.blocked)))} | ${fmt(median(worker.map((m) => m.wall)))} | ${fmt(median(worker.map((m) => m.blocked)))} / ${fmt(Math.max(...worker.map((m) => m.blocked)))} | ${fmt(median(worker.map((m) => m.busy)))} |`,
  );
}
await reader.close();
