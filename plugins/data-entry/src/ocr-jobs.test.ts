import { describe, expect, it } from "vitest";
import { OcrPdfUnreadableError, OcrTimeoutError } from "./errors.js";
import type { OcrResult } from "./ocr/types.js";
import { OcrJobs, type Recognizer } from "./ocr-jobs.js";
import { textReceiptPdf } from "./test/pdf-files.js";

const text = ["BACKEREI MULLER", "SUMME EUR 5,59", "Datum 12.06.2024 14:22"].join("\n");
const about = { attachmentId: "a", receiptId: 1, companyId: 1, owner: "demo" };
const image = Buffer.from("png");

function fakeRecognizer(
  outcome: () => Promise<OcrResult>,
): Recognizer & { progress?: (p: number) => void } {
  const fake: Recognizer & { progress?: (p: number) => void } = {
    recognize(_image, options) {
      if (options.onProgress) fake.progress = options.onProgress;
      return outcome();
    },
  };
  return fake;
}

describe("OCR jobs", () => {
  it("runs in the background, reports progress and extracts the fields", async () => {
    let finish: (result: OcrResult) => void = () => {};
    const recognizer = fakeRecognizer(() => new Promise((resolve) => (finish = resolve)));
    const jobs = new OcrJobs(recognizer, { now: () => new Date("2024-07-01T00:00:00Z") });
    const { job, finished } = jobs.submit(image, about);
    expect(jobs.get(job.id)).toMatchObject({ state: "queued", progress: 0, fields: null });
    recognizer.progress?.(0.4);
    expect(jobs.get(job.id)).toMatchObject({ state: "running", progress: 0.4 });
    finish({ text });
    await finished;
    expect(jobs.get(job.id)).toMatchObject({
      state: "done",
      progress: 1,
      fields: { total: 5.59, date: "2024-06-12", currency: "EUR" },
    });
  });

  it("keeps a typed error's code and hides any other error's message", async () => {
    const jobs = new OcrJobs(fakeRecognizer(() => Promise.reject(new OcrTimeoutError(10))));
    const timedOut = jobs.submit(image, about);
    await timedOut.finished;
    expect(jobs.get(timedOut.job.id)?.error).toEqual({
      code: "DATA_ENTRY_OCR_TIMEOUT",
      message: "OCR job took longer than 10 ms",
    });
    const other = new OcrJobs(fakeRecognizer(() => Promise.reject(new Error("/secret/path"))));
    const broken = other.submit(image, about);
    await broken.finished;
    expect(other.get(broken.job.id)).toMatchObject({
      state: "failed",
      error: { code: "DATA_ENTRY_OCR_FAILED", message: "OCR failed" },
    });
  });

  it("forgets the oldest finished jobs beyond its bound", async () => {
    const jobs = new OcrJobs(
      fakeRecognizer(() => Promise.reject(new Error("x"))),
      { maxJobs: 2 },
    );
    const first = jobs.submit(image, about);
    await first.finished;
    const second = jobs.submit(image, about);
    await second.finished;
    jobs.submit(image, about);
    expect(jobs.size).toBe(2);
    expect(jobs.get(first.job.id)).toBeUndefined();
    expect(jobs.get(second.job.id)).toBeDefined();
  });

  it("tells listeners each stage, applies the fields, and lets go of them at the end", async () => {
    let finish: (result: OcrResult) => void = () => {};
    const recognizer = fakeRecognizer(() => new Promise((resolve) => (finish = resolve)));
    const applied: unknown[] = [];
    const jobs = new OcrJobs(recognizer, {
      hooks: {
        apply: async (_request, fields) => {
          applied.push(fields.total);
          return { fields: ["total"], error: null };
        },
      },
    });
    const { job, finished } = jobs.submit(image, about, {
      apply: { receiptId: 1, by: "ana", overwrite: false },
    });
    const seen: string[] = [];
    jobs.subscribe(job.id, () => {
      throw new Error("a broken listener");
    });
    const stop = jobs.subscribe(job.id, (current) =>
      seen.push(`${current.stage}:${current.progress}`),
    );
    expect(jobs.listenerCount(job.id)).toBe(2);
    recognizer.progress?.(0.001);
    recognizer.progress?.(0.005); // under 1 % more: not worth an event
    recognizer.progress?.(0.5);
    finish({ text });
    await finished;
    expect(seen).toEqual([
      "recognizing:0.001",
      "recognizing:0.5",
      "extracting:0.5",
      "applying:0.5",
      "done:1",
    ]);
    expect(applied).toEqual([5.59]);
    expect(job.applied).toEqual({ fields: ["total"], error: null });
    expect(jobs.listenerCount()).toBe(0);
    stop();
    expect(jobs.subscribe(job.id, () => {})).toBeTypeOf("function");
    expect(jobs.listenerCount()).toBe(0);
  });
});

describe("OCR jobs on PDFs", () => {
  const lines: Array<string | [string, string]> = [
    "Bäckerei Müller GmbH",
    "Hauptstraße 12, 33100 Paderborn",
    ["SUMME EUR", "5,59"],
    "Datum 12.06.2024 14:22",
  ];

  it("reads a text PDF without the recogniser, telling each stage, and says so", async () => {
    const jobs = new OcrJobs(
      fakeRecognizer(() => Promise.reject(new Error("the recogniser was asked"))),
      { now: () => new Date("2024-07-01T00:00:00Z") },
    );
    try {
      const { job, finished, opened } = jobs.submit(await textReceiptPdf(lines), about);
      expect(job).toMatchObject({ state: "queued", source: null });
      const stages: string[] = [];
      jobs.subscribe(job.id, (current) => stages.push(`${current.stage} ${current.progress}`));
      expect(await opened).toBeNull();
      await finished;
      expect(jobs.get(job.id)).toMatchObject({
        state: "done",
        source: "pdf_text",
        fields: { merchant: "Bäckerei Müller GmbH", total: 5.59, date: "2024-06-12" },
      });
      expect(stages).toEqual(["recognizing 0.05", "extracting 0.05", "done 1"]);
    } finally {
      await jobs.close();
    }
  });

  it("tells the caller that a PDF cannot be opened, and fails the job with the reason", async () => {
    const jobs = new OcrJobs(fakeRecognizer(() => Promise.resolve({ text })));
    try {
      const { job, finished, opened } = jobs.submit(Buffer.from("%PDF-1.4\n%%EOF\n"), about);
      expect(await opened).toBeInstanceOf(OcrPdfUnreadableError);
      await finished;
      expect(jobs.get(job.id)).toMatchObject({
        state: "failed",
        error: { code: "DATA_ENTRY_OCR_PDF_UNREADABLE" },
      });
      // An image is open at once.
      expect(await jobs.submit(image, about).opened).toBeNull();
    } finally {
      await jobs.close();
    }
  });
});
