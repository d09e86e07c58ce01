// Issue #5: where one receipt's OCR time goes. Runs the same WASM engine tesseract.js
// loads (its core, same language data, psm 6, OEM 1) in this one thread, one scan at a
// time, and times each phase: preprocessing with sharp (decode, grayscale, normalise,
// encode), the image decode inside the engine (SetImageFile), recognition, and the
// text/TSV output, in CPU milliseconds. Each --encode variant is the hand-over format the engine decodes.
//   npx -y pnpm@10.34.9 --filter @roa2web/plugin-data-entry run build   (for sharp/tesseract deps)
//   node bench/ocr-profile.mjs [--encode png1,png0,pgm,jpeg] [--scale 1] [--limit 18] [--set name=value,...]
import { readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { parseArgs } from "node:util";
import { gunzipSync } from "node:zlib";
import { ROOT } from "./lib.mjs";

const { values } = parseArgs({
  options: {
    encode: { type: "string", default: "png1,grey-png1,grey-png0,pgm" },
    scale: { type: "string", default: "1" },
    limit: { type: "string", default: "18" },
    set: { type: "string", default: "" },
    core: { type: "string", default: "tesseract-core-simd-lstm" },
    scans: { type: "string", default: path.join(ROOT, "../shared/data/receipts") },
  },
});

// The plugin's own dependencies (pnpm does not hoist them to the root).
const pluginRequire = createRequire(path.join(ROOT, "plugins/data-entry/package.json"));
const sharp = pluginRequire("sharp");
const tesseractRequire = createRequire(pluginRequire.resolve("tesseract.js"));
const Core = tesseractRequire(`tesseract.js-core/${values.core}`);
const langFolder = path.join(
  path.dirname(pluginRequire.resolve("@tesseract.js-data/deu/package.json")),
  "4.0.0_best_int",
);

const scans = readdirSync(values.scans)
  .filter((name) => /\.jpe?g$/i.test(name))
  .sort()
  .slice(0, Number(values.limit));
const encodings = values.encode.split(",");
const scale = Number(values.scale);
const extra = Object.fromEntries(
  values.set
    .split(",")
    .filter(Boolean)
    .map((pair) => pair.split("=")),
);

const t = await Core({});
t.FS.writeFile(
  "/deu.traineddata",
  gunzipSync(readFileSync(path.join(langFolder, "deu.traineddata.gz"))),
);
const api = new t.TessBaseAPI();
if (api.Init(null, "deu", 1) === -1) throw new Error("Init failed");
api.SetVariable("tessedit_pageseg_mode", "6");
api.SetVariable("preserve_interword_spaces", "1");
for (const [name, value] of Object.entries(extra)) api.SetVariable(name, value);

async function encode(jpeg, kind) {
  let pipeline = sharp(jpeg).rotate().grayscale().normalise();
  if (scale !== 1) {
    const { width } = await sharp(jpeg).metadata();
    pipeline = pipeline.resize({ width: Math.round(width * scale), kernel: "lanczos3" });
  }
  // sharp's grayscale() still writes three (equal) channels unless told "b-w".
  if (kind === "png1") return pipeline.png({ compressionLevel: 1 }).toBuffer();
  if (kind === "png0") return pipeline.png({ compressionLevel: 0 }).toBuffer();
  const grey = pipeline.toColourspace("b-w");
  if (kind === "grey-png1") return grey.png({ compressionLevel: 1 }).toBuffer();
  if (kind === "grey-png0") return grey.png({ compressionLevel: 0 }).toBuffer();
  if (kind === "grey-png0-nofilter")
    return grey.png({ compressionLevel: 0, adaptiveFiltering: false }).toBuffer();
  if (kind === "jpeg") return pipeline.jpeg({ quality: 95 }).toBuffer();
  if (kind === "pgm") {
    const { data, info } = await pipeline.raw().toBuffer({ resolveWithObject: true });
    const header = Buffer.from(`P5\n${info.width} ${info.height}\n255\n`, "latin1");
    return Buffer.concat([header, data]);
  }
  throw new Error(`unknown encoding ${kind}`);
}

// CPU time of the process (user + system), not wall time: the machine is shared, and
// while the engine runs synchronously here the other threads are idle.
const cpu = () => {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
};
const ms = (start) => cpu() - start;
// The text of the first encoding, per scan: every encoding must give the same pixels.
const reference = new Map();
const sums = Object.fromEntries(
  encodings.map((kind) => [
    kind,
    { preprocess: 0, bytes: 0, decode: 0, recognize: 0, text: 0, tsv: 0, differ: 0 },
  ]),
);

async function measure(scan, kind, sum) {
  const jpeg = readFileSync(path.join(values.scans, scan));
  let start = cpu();
  const image = await encode(jpeg, kind);
  sum.preprocess += ms(start);
  sum.bytes += image.byteLength;
  start = cpu();
  t.FS.writeFile("/input", image);
  if (api.SetImageFile(1, 0) === 1) throw new Error(`${scan}: the engine could not read ${kind}`);
  sum.decode += ms(start);
  start = cpu();
  api.Recognize(null);
  sum.recognize += ms(start);
  start = cpu();
  const text = api.GetUTF8Text();
  api.MeanTextConf();
  sum.text += ms(start);
  start = cpu();
  api.GetTSVText();
  sum.tsv += ms(start);
  if (!reference.has(scan)) reference.set(scan, text);
  else if (reference.get(scan) !== text) sum.differ++;
}

// Warm-up (V8 compiles the hot WASM functions again, optimised, in the first seconds),
// then each scan in every encoding, the order rotated per scan so that drift in the
// machine's load does not favour one encoding.
await measure(scans[0], encodings[0], { ...sums[encodings[0]] });
reference.clear();
for (const [index, scan] of scans.entries()) {
  for (let offset = 0; offset < encodings.length; offset++) {
    const kind = encodings[(index + offset) % encodings.length];
    await measure(scan, kind, sums[kind]);
  }
}
const per = (value) => Math.round(value / scans.length);
const totals = {};
for (const kind of encodings) {
  const sum = sums[kind];
  totals[kind] = {
    preprocessMs: per(sum.preprocess),
    imageKB: Math.round(sum.bytes / scans.length / 1024),
    engineDecodeMs: per(sum.decode),
    recognizeMs: per(sum.recognize),
    textMs: per(sum.text),
    tsvMs: per(sum.tsv),
    textDiffersFromFirst: sum.differ,
  };
}
api.End();
console.log(
  JSON.stringify(
    {
      node: process.version,
      core: values.core,
      scans: scans.length,
      scale,
      set: extra,
      perReceipt: totals,
    },
    null,
    2,
  ),
);
