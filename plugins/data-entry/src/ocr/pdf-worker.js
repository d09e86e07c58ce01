// Reads PDFs off the main thread with pdfjs (its decoders are synchronous JavaScript:
// a scanned page held the event loop for 0.15–0.4 s when read in the kernel's
// thread, see docs/performance.md). One PDF at a time; the parent reuses the worker while PDFs
// keep coming and terminates it when idle, stuck or worn.
// Message in: {id, bytes: Uint8Array}. Out: {id, ok: true, pageCount, pages} or
// {id, ok: false, error: {name, message}}. Each page: {number, width, height, items, image}:
// text items in pixels at `scale` (origin top left, y of the baseline), and the page's
// largest image as raw pixels {width, height, channels, data}, or null.
// Plain JavaScript so it loads from src/ and dist/ alike.
import { createRequire } from "node:module";
import path from "node:path";
import { parentPort, workerData } from "node:worker_threads";

const { maxPages, maxPixels, scale } = workerData;
const require = createRequire(import.meta.url);
// Fonts the PDF names but does not embed (Helvetica…) are read from pdfjs' own folder
// on disk, never fetched.
const standardFontDataUrl = `${path.join(
  path.dirname(require.resolve("pdfjs-dist/package.json")),
  "standard_fonts",
)}${path.sep}`;

/** The largest image painted on the page, as raw 8-bit pixels (1BPP unpacked to gray). */
async function largestImage(pdfjs, page) {
  const operators = await page.getOperatorList();
  let best = null;
  for (let index = 0; index < operators.fnArray.length; index++) {
    const op = operators.fnArray[index];
    let image = null;
    if (op === pdfjs.OPS.paintInlineImageXObject) {
      image = operators.argsArray[index][0];
    } else if (op === pdfjs.OPS.paintImageXObject) {
      const name = operators.argsArray[index][0];
      const objects = name.startsWith("g_") ? page.commonObjs : page.objs;
      // Resolved by the time the operator list is; one that never is (an image pdfjs
      // failed to decode) is skipped rather than waited for until the parent's timeout.
      image = objects.has(name) ? objects.get(name) : await settledObject(objects, name);
    }
    if (!image?.data || !image.width || !image.height) continue;
    if (!best || image.width * image.height > best.width * best.height) best = image;
  }
  return best ? toRaw(pdfjs, best) : null;
}

function settledObject(objects, name) {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(null), 2000);
    objects.get(name, (data) => {
      clearTimeout(timer);
      resolve(data);
    });
  });
}

function toRaw(pdfjs, image) {
  const { width, height, kind, data } = image;
  if (kind === pdfjs.ImageKind.RGB_24BPP) return { width, height, channels: 3, data };
  if (kind === pdfjs.ImageKind.RGBA_32BPP) return { width, height, channels: 4, data };
  // GRAYSCALE_1BPP (fax-like black-and-white scans): rows padded to whole bytes, a set
  // bit is white.
  const gray = new Uint8Array(width * height);
  const stride = (width + 7) >> 3;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const byte = data[y * stride + (x >> 3)];
      gray[y * width + x] = byte & (128 >> (x & 7)) ? 255 : 0;
    }
  }
  return { width, height, channels: 1, data: gray };
}

async function readPage(pdfjs, document, number) {
  const page = await document.getPage(number);
  const viewport = page.getViewport({ scale });
  const content = await page.getTextContent();
  const items = [];
  for (const item of content.items) {
    if (typeof item.str !== "string" || item.str.trim() === "") continue;
    const [a, b, c, d, e, f] = item.transform;
    const [x, y] = viewport.convertToViewportPoint(e, f);
    const [x1] = viewport.convertToViewportPoint(e + item.width * (a / Math.hypot(a, b) || 1), f);
    items.push({
      text: item.str,
      x: Math.min(x, x1),
      y,
      width: Math.abs(x1 - x),
      height: Math.hypot(c, d) * scale,
    });
  }
  const image = await largestImage(pdfjs, page);
  page.cleanup();
  return { number, width: viewport.width, height: viewport.height, items, image };
}

const loading = import("pdfjs-dist/legacy/build/pdf.mjs");

parentPort.on("message", async ({ id, bytes }) => {
  let document;
  try {
    const pdfjs = await loading;
    document = await pdfjs.getDocument({
      data: bytes,
      // Never compile font programs with `new Function` from a file someone sent.
      isEvalSupported: false,
      // Image data as plain pixels, not bitmaps (nothing draws here).
      isOffscreenCanvasSupported: false,
      isImageDecoderSupported: false,
      // Larger images are skipped, not decoded (the OCR refuses them anyway).
      maxImageSize: maxPixels,
      standardFontDataUrl,
      stopAtErrors: false,
      verbosity: 0,
    }).promise;
    const pages = [];
    const count = Math.min(document.numPages, maxPages);
    for (let number = 1; number <= count; number++) {
      pages.push(await readPage(pdfjs, document, number));
    }
    // Moved, not copied; an image shared by two pages is moved once.
    const transfer = new Set(pages.flatMap((page) => (page.image ? [page.image.data.buffer] : [])));
    parentPort.postMessage({ id, ok: true, pageCount: document.numPages, pages }, [...transfer]);
  } catch (error) {
    parentPort.postMessage({
      id,
      ok: false,
      error: { name: error?.name ?? "Error", message: String(error?.message ?? error) },
    });
  } finally {
    await document?.destroy().catch(() => {});
  }
});
