/**
 * PDF receipts and invoices as OCR input. A page with a text layer (an e-mailed invoice)
 * is read as it is, with each line's geometry rebuilt from pdfjs' text items, and needs
 * no OCR; a page without (a scan saved as PDF) gives its largest embedded image to the
 * recogniser as a PNG. pdfjs runs in a worker thread (`pdf-worker.js`).
 */
import { Worker } from "node:worker_threads";
import sharp from "sharp";
import { OcrPdfEmptyError, OcrPdfEncryptedError, OcrPdfUnreadableError } from "../errors.js";
import type { OcrLine, OcrResult } from "./types.js";

/** Text items as the worker sends them: pixels at its scale, y = the baseline, from the top. */
export interface PdfTextItem {
  text: string;
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface RawImage {
  width: number;
  height: number;
  channels: 1 | 3 | 4;
  data: Uint8Array;
}

export interface PdfPage {
  /** 1-based. */
  number: number;
  width: number;
  height: number;
  items: PdfTextItem[];
  /** The largest image painted on the page, decoded; null when none. */
  image: RawImage | null;
}

export interface PdfDocument {
  /** Pages in the file; only the first `maxPages` are in `pages`. */
  pageCount: number;
  pages: PdfPage[];
}

/** Where the text of a job came from (`source` of the job view). */
export type OcrSource = "image" | "pdf_text" | "pdf_scan" | "pdf_mixed";

/**
 * Pages read per PDF. Receipts and supplier invoices have their header, total and VAT
 * on the first page or two; each scanned page costs an OCR worker ~1.5 s.
 */
export const PDF_MAX_PAGES = 3;
/** Below this many letters and digits a page's text layer is a stamp ("Scanned with…"), not the receipt. */
export const MIN_TEXT_LAYER_CHARACTERS = 50;
/** The worker renders coordinates as a 300 dpi scan would have them (PDF units are 1/72 in). */
const SCALE = 300 / 72;

export function isPdf(bytes: Uint8Array): boolean {
  return (
    bytes.byteLength >= 5 &&
    bytes[0] === 0x25 &&
    bytes[1] === 0x50 &&
    bytes[2] === 0x44 &&
    bytes[3] === 0x46 &&
    bytes[4] === 0x2d
  );
}

/**
 * Text items → lines, like tesseract's: items whose baselines lie within half a glyph
 * height belong to one line, ordered left to right; a wide gap (an amount column)
 * stays visible as three spaces, as `linesFromTsv` does.
 */
export function linesFromTextItems(items: readonly PdfTextItem[]): OcrLine[] {
  const sorted = items
    .filter((item) => item.text.trim() !== "" && item.height > 0)
    .sort((a, b) => a.y - b.y || a.x - b.x);
  const groups: PdfTextItem[][] = [];
  for (const item of sorted) {
    const current = groups.at(-1);
    const first = current?.[0];
    if (current && first && Math.abs(item.y - first.y) <= Math.min(item.height, first.height) / 2)
      current.push(item);
    else groups.push([item]);
  }
  return groups.map((group) => {
    group.sort((a, b) => a.x - b.x);
    const height = Math.max(...group.map((item) => item.height));
    let text = "";
    let right: number | undefined;
    for (const item of group) {
      const piece = item.text.replace(/\s+/g, " ");
      if (right !== undefined) {
        const gap = item.x - right;
        // Producers split words into runs (kerning): a gap under a fifth of the font is none.
        if (gap > height * 0.9) text = `${text.trimEnd()}   `;
        else if (gap > height * 0.2 && !text.endsWith(" ") && !piece.startsWith(" ")) text += " ";
      }
      text += piece;
      right = Math.max(right ?? item.x + item.width, item.x + item.width);
    }
    return {
      text: text.trim(),
      // The text is what the file says, not a guess.
      confidence: 100,
      bbox: {
        x0: Math.round(Math.min(...group.map((item) => item.x))),
        y0: Math.round(Math.min(...group.map((item) => item.y - item.height))),
        x1: Math.round(Math.max(...group.map((item) => item.x + item.width))),
        y1: Math.round(Math.max(...group.map((item) => item.y))),
      },
      height: Math.round(height),
    };
  });
}

/** Letters and digits in the page's text layer: whether it is worth reading as text. */
export function textLayerCharacters(page: PdfPage): number {
  let count = 0;
  for (const item of page.items) count += item.text.match(/[\p{L}\p{N}]/gu)?.length ?? 0;
  return count;
}

export type RecognizeImage = (
  image: Buffer,
  onProgress: (progress: number) => void,
) => Promise<OcrResult>;

/** Raw pixels → a PNG the OCR pool takes (sharp works on libuv's pool, off the event loop). */
export async function imageToPng(image: RawImage): Promise<Buffer> {
  const data = Buffer.from(image.data.buffer, image.data.byteOffset, image.data.byteLength);
  return sharp(data, {
    raw: { width: image.width, height: image.height, channels: image.channels },
  })
    .png({ compressionLevel: 1 })
    .toBuffer();
}

/**
 * A read PDF → one OCR result: each page's text layer when it has enough text,
 * otherwise OCR of its largest image; pages in order, each page's lines below the
 * previous page's. Throws OcrPdfEmptyError when no page has either.
 */
export async function recognizePdf(
  document: PdfDocument,
  recognize: RecognizeImage,
  onProgress: (progress: number) => void = () => {},
): Promise<{ result: OcrResult; source: OcrSource }> {
  const plans = document.pages.map((page) => {
    const characters = textLayerCharacters(page);
    if (characters >= MIN_TEXT_LAYER_CHARACTERS || (characters > 0 && !page.image))
      return { page, use: "text" as const };
    if (page.image) return { page, use: "image" as const };
    return { page, use: "nothing" as const };
  });
  const scanned = plans.filter((plan) => plan.use === "image").length;
  const lines: OcrLine[] = [];
  let top = 0;
  let done = 0;
  let confidence = 0;
  let weight = 0;
  for (const { page, use } of plans) {
    let pageLines: OcrLine[] = [];
    let pageHeight = page.height;
    if (use === "text") {
      pageLines = linesFromTextItems(page.items);
    } else if (use === "image" && page.image) {
      const before = done;
      const result = await recognize(await imageToPng(page.image), (progress) =>
        onProgress((before + Math.min(1, Math.max(0, progress))) / scanned),
      );
      done += 1;
      pageHeight = page.image.height;
      pageLines =
        result.lines && result.lines.length > 0
          ? result.lines
          : result.text.split("\n").map((text) => ({ text }));
      if (result.confidence !== undefined) {
        confidence += result.confidence * pageLines.length;
        weight += pageLines.length;
      }
    }
    for (const line of pageLines) {
      lines.push(
        line.bbox
          ? { ...line, bbox: { ...line.bbox, y0: line.bbox.y0 + top, y1: line.bbox.y1 + top } }
          : line,
      );
    }
    top += Math.round(pageHeight);
  }
  if (!plans.some((plan) => plan.use !== "nothing")) {
    throw new OcrPdfEmptyError(document.pages.length);
  }
  const texts = plans.filter((plan) => plan.use === "text").length;
  const source: OcrSource = scanned === 0 ? "pdf_text" : texts === 0 ? "pdf_scan" : "pdf_mixed";
  const textConfidence = lines.length - weight;
  return {
    result: {
      text: lines.map((line) => line.text).join("\n"),
      // Text-layer lines count as certain; OCR'd lines with the engine's confidence.
      confidence:
        lines.length === 0 ? 0 : (confidence + 100 * textConfidence) / (weight + textConfidence),
      lines,
    },
    source,
  };
}

export interface PdfReaderOptions {
  /** Default PDF_MAX_PAGES. */
  maxPages?: number;
  /** Images larger than this (width × height) are not decoded. Default 40 megapixels, as the pool. */
  maxPixels?: number;
  /** A PDF still being read after this is given up (its worker terminated). Default 30 s. */
  timeoutMs?: number;
  /** The worker's JavaScript heap: a hostile PDF runs out of it, not the kernel. Default 256 MB. */
  maxHeapMb?: number;
  /** The worker is ended after this long without a PDF (its memory returned). Default 30 s. */
  idleMs?: number;
  /** …and replaced after this many PDFs, so caches pdfjs keeps cannot pile up. Default 50. */
  recycleAfter?: number;
}

interface WorkerAnswer {
  id: number;
  ok: boolean;
  pageCount?: number;
  pages?: PdfPage[];
  error?: { name: string; message: string };
}

/** Why pdfjs refused the file, in words for the person who sent it. */
function readError(error: { name: string; message: string }): Error {
  if (error.name === "PasswordException") return new OcrPdfEncryptedError();
  if (error.name === "InvalidPDFException") return new OcrPdfUnreadableError("it is damaged");
  return new OcrPdfUnreadableError("it is damaged or uses features the reader does not support");
}

/**
 * Reads PDFs one at a time in a worker thread. The thread (and pdfjs loaded in it) is
 * kept while PDFs keep coming — starting one costs more than reading a receipt — and
 * ended when idle, after `recycleAfter` PDFs, or when a PDF is stuck or crashes it.
 */
export class PdfReader {
  readonly #options: Required<PdfReaderOptions>;
  #worker: { thread: Worker; reads: number } | null = null;
  #idle: NodeJS.Timeout | null = null;
  #nextId = 0;
  #queue: Promise<unknown> = Promise.resolve();
  #closed = false;

  constructor(options: PdfReaderOptions = {}) {
    this.#options = {
      maxPages: Math.max(1, options.maxPages ?? PDF_MAX_PAGES),
      maxPixels: options.maxPixels ?? 40_000_000,
      timeoutMs: options.timeoutMs ?? 30_000,
      maxHeapMb: options.maxHeapMb ?? 256,
      idleMs: options.idleMs ?? 30_000,
      recycleAfter: Math.max(1, options.recycleAfter ?? 50),
    };
  }

  /** The first pages of the PDF; OcrPdfUnreadableError / OcrPdfEncryptedError when it cannot be. */
  read(bytes: Uint8Array): Promise<PdfDocument> {
    // One at a time: one thread, a CPU's worth of work, on top of the OCR pool.
    const next = this.#queue.then(() => this.#readNow(bytes));
    this.#queue = next.catch(() => {});
    return next;
  }

  /** Ends the worker (the plugin stops) and any PDF being read; later reads fail. */
  async close(): Promise<void> {
    this.#closed = true;
    await this.#stopWorker();
  }

  #stopWorker(): Promise<unknown> {
    if (this.#idle) clearTimeout(this.#idle);
    this.#idle = null;
    const worker = this.#worker;
    this.#worker = null;
    return worker ? worker.thread.terminate() : Promise.resolve();
  }

  #thread(): { thread: Worker; reads: number } {
    if (this.#idle) clearTimeout(this.#idle);
    this.#idle = null;
    if (this.#worker) return this.#worker;
    const { maxPages, maxPixels, maxHeapMb } = this.#options;
    const thread = new Worker(new URL("./pdf-worker.js", import.meta.url), {
      workerData: { maxPages, maxPixels, scale: SCALE },
      resourceLimits: { maxOldGenerationSizeMb: maxHeapMb },
    });
    // An idle reader must not keep the process alive.
    thread.unref();
    // Errors are handled per read; this keeps an unexpected one from being unhandled.
    thread.on("error", () => {});
    this.#worker = { thread, reads: 0 };
    return this.#worker;
  }

  #readNow(bytes: Uint8Array): Promise<PdfDocument> {
    if (this.#closed) return Promise.reject(new OcrPdfUnreadableError("the reader is closed"));
    const worker = this.#thread();
    const { thread } = worker;
    const id = ++this.#nextId;
    const { timeoutMs } = this.#options;
    return new Promise<PdfDocument>((resolve, reject) => {
      const finish = (error: Error | null, document?: PdfDocument, healthy = true) => {
        clearTimeout(timer);
        thread.off("message", onMessage);
        thread.off("error", onError);
        thread.off("exit", onExit);
        worker.reads += 1;
        if (!healthy || worker.reads >= this.#options.recycleAfter) {
          if (this.#worker === worker) void this.#stopWorker();
          else void thread.terminate();
        } else if (this.#worker === worker) {
          this.#idle = setTimeout(() => void this.#stopWorker(), this.#options.idleMs);
          this.#idle.unref();
        }
        if (error) reject(error);
        else if (document) resolve(document);
      };
      const onMessage = (answer: WorkerAnswer) => {
        if (answer.id !== id) return;
        if (answer.ok && answer.pages) {
          finish(null, { pageCount: answer.pageCount ?? answer.pages.length, pages: answer.pages });
        } else {
          finish(readError(answer.error ?? { name: "Error", message: "no answer" }));
        }
      };
      const onError = (error: Error) =>
        finish(
          new OcrPdfUnreadableError(
            (error as { code?: string }).code === "ERR_WORKER_OUT_OF_MEMORY"
              ? "it needs more memory than a receipt should"
              : "the reader failed on it",
            { cause: error },
          ),
          undefined,
          false,
        );
      const onExit = () =>
        finish(new OcrPdfUnreadableError("the reader stopped"), undefined, false);
      const timer = setTimeout(
        () =>
          finish(
            new OcrPdfUnreadableError(`reading it took longer than ${timeoutMs} ms`),
            undefined,
            false,
          ),
        timeoutMs,
      );
      thread.on("message", onMessage);
      thread.on("error", onError);
      thread.on("exit", onExit);
      // A copy: the caller's buffer may be a slice of a pooled one, and moving it would detach it.
      const copy = new Uint8Array(bytes);
      thread.postMessage({ id, bytes: copy }, [copy.buffer]);
    });
  }
}
