import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  OcrInputTooLargeError,
  OcrInvalidImageError,
  OcrJobFailedError,
  OcrTimeoutError,
  OcrUnavailableError,
} from "../errors.js";
import { syntheticReceipt } from "../test/synthetic-receipt.js";
import { extractFields } from "./extract-fields.js";
import type { OcrLanguage } from "./language-data.js";
import { OcrPool } from "./ocr-pool.js";
import { prepareImage } from "./prepare-image.js";

let receipt: Buffer;

beforeAll(async () => {
  receipt = await syntheticReceipt();
});

describe("OcrPool lifecycle", () => {
  it("starts in the background and reports its state", async () => {
    const pool = new OcrPool({ size: 1 });
    const before = performance.now();
    pool.start();
    expect(performance.now() - before).toBeLessThan(100);
    expect(pool.status().state).toBe("starting");
    expect(pool.status().workers).toMatchObject({ configured: 1, ready: 0, starting: 1 });
    await pool.ready;
    expect(pool.status()).toMatchObject({ state: "ready", workers: { ready: 1, busy: 0 } });
    await pool.close();
    expect(pool.status().state).toBe("closed");
    await expect(pool.recognize(receipt)).rejects.toBeInstanceOf(OcrUnavailableError);
  });

  it("reports a failed start in its status instead of throwing", async () => {
    const pool = new OcrPool({ size: 1, languages: ["xx" as OcrLanguage] });
    expect(() => pool.start()).not.toThrow();
    await expect(pool.ready).rejects.toBeInstanceOf(OcrUnavailableError);
    expect(pool.status()).toMatchObject({ state: "failed", workers: { ready: 0 } });
    expect(pool.status().error).toContain("xx");
    await expect(pool.recognize(receipt)).rejects.toBeInstanceOf(OcrUnavailableError);
  });

  it("refuses jobs before start and rejects queued jobs on close", async () => {
    const pool = new OcrPool({ size: 1 });
    await expect(pool.recognize(receipt)).rejects.toBeInstanceOf(OcrUnavailableError);
    pool.start();
    const jobs = [pool.recognize(receipt), pool.recognize(receipt), pool.recognize(receipt)];
    // Wait until the jobs are queued (image checks are asynchronous).
    while (pool.status().queued + pool.status().workers.busy < 3) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    await pool.close();
    const results = await Promise.allSettled(jobs);
    for (const result of results) {
      expect(result.status).toBe("rejected");
      if (result.status === "rejected") expect(result.reason).toBeInstanceOf(OcrUnavailableError);
    }
  });
});

describe("OcrPool jobs", () => {
  const pool = new OcrPool({ size: 1, recycleAfterJobs: 2 });

  beforeAll(async () => {
    pool.start();
    await pool.ready;
  });
  afterAll(() => pool.close());

  it("returns the text and lines with geometry, reporting progress up to 1", async () => {
    const progress: number[] = [];
    const result = await pool.recognize(receipt, { onProgress: (value) => progress.push(value) });
    expect(result.text).toContain("SUMME");
    expect(result.lines?.length).toBeGreaterThanOrEqual(6);
    const [first, second] = result.lines ?? [];
    expect(first?.bbox).toBeDefined();
    // The shop name is printed larger than the address below it.
    expect(first?.height ?? 0).toBeGreaterThan(second?.height ?? 0);
    expect(progress[0]).toBe(0);
    expect(progress.at(-1)).toBe(1);
    expect([...progress].sort((a, b) => a - b)).toEqual(progress);

    const fields = extractFields(result, { today: new Date("2026-01-01") });
    expect(fields.total).toBe(5.59);
    expect(fields.date).toBe("2024-06-12");
    expect(fields.merchant).toMatch(/M[UÜ]LLER/);
  });

  it("reads a page turned by a quarter, and a landscape page left as it is", async () => {
    // Turned: landscape, so the pool compares reduced copies turned each way.
    const turned = await sharp(receipt).rotate(90).png().toBuffer();
    const fields = extractFields(await pool.recognize(turned), { today: new Date("2026-01-01") });
    expect(fields.total).toBe(5.59);
    expect(fields.date).toBe("2024-06-12");
    // Upright but wider than tall (the text without the paper below): stays as it is.
    const wide = await sharp(receipt)
      .extract({ left: 0, top: 0, width: 700, height: 380 })
      .png()
      .toBuffer();
    const result = await pool.recognize(wide);
    expect(result.text).toContain("SUMME");
    expect(result.confidence).toBeGreaterThan(80);
  });

  it("keeps the event loop free while OCR runs", async () => {
    let maxLag = 0;
    let expected = performance.now() + 10;
    const ticker = setInterval(() => {
      const now = performance.now();
      maxLag = Math.max(maxLag, now - expected);
      expected = now + 10;
    }, 10);
    let ticks = 0;
    const counter = setInterval(() => ticks++, 10);
    const started = performance.now();
    await Promise.all([pool.recognize(receipt), pool.recognize(receipt)]);
    const elapsed = performance.now() - started;
    clearInterval(ticker);
    clearInterval(counter);
    // A behaviour check, not a speed target: the loop kept ticking throughout. Were
    // OCR on the main thread, the worst lag would be the whole OCR time and no tick
    // would fire; on a loaded machine the OS may still delay ticks, so the bounds are
    // relative and generous.
    expect(maxLag).toBeLessThan(elapsed / 2);
    expect(ticks).toBeGreaterThan((elapsed / 10) * 0.2);
  });

  it("recycles a worker after the configured number of jobs", async () => {
    const before = pool.status().recycled;
    await pool.recognize(receipt);
    await pool.recognize(receipt);
    expect(pool.status().recycled).toBeGreaterThan(before);
    const result = await pool.recognize(receipt);
    expect(result.text).toContain("SUMME");
  });

  it("rejects a stuck job after its timeout and replaces the worker", async () => {
    const before = pool.status().timedOut;
    await expect(pool.recognize(receipt, { timeoutMs: 1 })).rejects.toBeInstanceOf(OcrTimeoutError);
    expect(pool.status().timedOut).toBe(before + 1);
    const result = await pool.recognize(receipt);
    expect(result.text).toContain("SUMME");
    expect(pool.status().state).toBe("ready");
  });

  it("refuses images over the byte and pixel limits with a typed error", async () => {
    const small = new OcrPool({ size: 1, maxBytes: 1000, maxPixels: 10_000 });
    small.start();
    const tooManyBytes = small.recognize(receipt);
    await expect(tooManyBytes).rejects.toBeInstanceOf(OcrInputTooLargeError);
    await expect(tooManyBytes).rejects.toMatchObject({ limit: "bytes", statusCode: 413 });
    const huge = await sharp({
      create: { width: 200, height: 200, channels: 3, background: "#ffffff" },
    })
      .png()
      .toBuffer();
    await expect(small.recognize(huge)).rejects.toMatchObject({ limit: "pixels" });
    await small.close();
  });

  it("refuses input that is not an image", async () => {
    await expect(pool.recognize(Buffer.from("not an image at all"))).rejects.toBeInstanceOf(
      OcrInvalidImageError,
    );
    await expect(pool.recognize(Buffer.alloc(0))).rejects.toBeInstanceOf(OcrInvalidImageError);
    const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>');
    await expect(pool.recognize(svg)).rejects.toBeInstanceOf(OcrInvalidImageError);
  });

  it("converts formats the engine cannot read (TIFF) instead of failing", async () => {
    const tiff = await sharp(receipt).tiff().toBuffer();
    const result = await pool.recognize(tiff);
    expect(result.text).toContain("SUMME");
  });

  it("refuses a truncated image it cannot decode", async () => {
    await expect(pool.recognize(receipt.subarray(0, 200))).rejects.toBeInstanceOf(
      OcrInvalidImageError,
    );
  });
});

describe("prepareImage", () => {
  const limits = { maxBytes: 20 * 1024 * 1024, maxPixels: 40_000_000 };

  it("hands the engine one grey channel, uncompressed, for a colour photo", async () => {
    const photo = await sharp(receipt).tint("#c08040").jpeg().toBuffer();
    expect((await sharp(photo).metadata()).channels).toBe(3);
    const prepared = await prepareImage(photo, limits, "grayscale-normalize");
    const metadata = await sharp(prepared.data).metadata();
    expect(metadata).toMatchObject({ format: "png", channels: 1 });
    // No deflate: about one byte per pixel (plus a filter byte per row and headers).
    expect(prepared.data.byteLength).toBeGreaterThanOrEqual(prepared.width * prepared.height);
  });

  it("keeps the colours when asked not to preprocess", async () => {
    const tiff = await sharp(receipt).tint("#c08040").tiff().toBuffer();
    const prepared = await prepareImage(tiff, limits, "none");
    expect((await sharp(prepared.data).metadata()).channels).toBe(3);
  });
});

describe("OcrPool failures inside the engine", () => {
  // Without preprocessing the image goes to the engine as it is, so the engine's own
  // failure path (tesseract.js errorHandler) is what this exercises.
  const pool = new OcrPool({ size: 1, preprocess: "none" });

  beforeAll(async () => {
    pool.start();
    await pool.ready;
  });
  afterAll(() => pool.close());

  it("rejects the job, replaces the worker and keeps serving", async () => {
    // A valid PNG header (the size check passes) with its pixel data cut off.
    await expect(pool.recognize(receipt.subarray(0, 200))).rejects.toBeInstanceOf(
      OcrJobFailedError,
    );
    expect(pool.status().failed).toBe(1);
    const result = await pool.recognize(receipt);
    expect(result.text).toContain("SUMME");
    expect(pool.status()).toMatchObject({ state: "ready", completed: 1 });
  });
});
