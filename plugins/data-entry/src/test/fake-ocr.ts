/**
 * A recogniser the test drives by hand (progress, result, failure), installed in a
 * running kernel's data-entry instance in place of the tesseract pool, so API tests
 * of OCR flows run in milliseconds and decide when each step happens.
 */
import type { OcrPool } from "../ocr/ocr-pool.js";
import type { OcrResult } from "../ocr/types.js";
import { OcrJobs, type Recognizer } from "../ocr-jobs.js";
import { type RunningKernel, runningState } from "./running-state.js";

export interface Recognition {
  image: Buffer;
  progress(value: number): void;
  finish(result: OcrResult): void;
  fail(error: Error): void;
}

export class ControlledRecognizer implements Recognizer {
  readonly #waiting: Recognition[] = [];
  readonly #takers: Array<(recognition: Recognition) => void> = [];

  recognize(image: Buffer, options: { onProgress?: (progress: number) => void }) {
    return new Promise<OcrResult>((resolve, reject) => {
      const recognition: Recognition = {
        image,
        progress: (value) => options.onProgress?.(value),
        finish: resolve,
        fail: reject,
      };
      const taker = this.#takers.shift();
      if (taker) taker(recognition);
      else this.#waiting.push(recognition);
    });
  }

  /** The next image handed to the recogniser (waits for it). */
  next(): Promise<Recognition> {
    const waiting = this.#waiting.shift();
    if (waiting) return Promise.resolve(waiting);
    return new Promise((resolve) => this.#takers.push(resolve));
  }
}

/** A recogniser that answers every image with the same text at once. */
export function fixedRecognizer(text: string): Recognizer {
  return { recognize: async () => ({ text }) };
}

const readyPool = {
  start() {},
  async close() {},
  status: () => ({
    state: "ready",
    workers: { configured: 1, ready: 1, busy: 0, starting: 0 },
    queued: 0,
    completed: 0,
    failed: 0,
    timedOut: 0,
    recycled: 0,
  }),
} as unknown as OcrPool;

/** Puts OCR jobs over `recognizer` into the running data-entry instance; returns them. */
export function installFakeOcr(kernel: RunningKernel, recognizer: Recognizer): OcrJobs {
  const state = runningState(kernel);
  const jobs = new OcrJobs(recognizer, { hooks: state.receiptOcr.hooks });
  state.ocr = { pool: readyPool, jobs };
  return jobs;
}
