// The pool's side of running OCR worker threads at a lower scheduling priority
// (ocr-worker.mjs is the threads' side). With as many WASM workers as cores, the event
// loop otherwise waits for a core behind them (issue #5: `/health` p99 43 ms with 2
// workers on 2 cores): a niced worker thread gives way whenever the event loop wakes.
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { BroadcastChannel, setEnvironmentData } from "node:worker_threads";

/** Must match the key read in ocr-worker.mjs. */
export const OCR_WORKER_ENVIRONMENT_KEY = "roa2web:ocr-worker";

/** Lowest priority Linux allows; 0 leaves the worker threads as they are. */
export const MAX_THREAD_NICE = 19;

/** What each worker thread reports after trying to lower its priority. */
export interface ThreadPriorityReport {
  pool: string;
  /** Node's id of the worker thread (`worker.threadId`). */
  threadId: number;
  /** The kernel's thread id and the nice value read back after setting it. */
  tid?: number;
  nice?: number;
  error?: string;
}

interface WorkerEnvironment {
  pool: string;
  nice: number;
  channel: string;
}

const require = createRequire(import.meta.url);

/** The worker entry tesseract.js starts (`workerPath`): ocr-worker.mjs of this package. */
export function ocrWorkerScript(): string {
  return require.resolve("@roa2web/plugin-data-entry/ocr-worker");
}

/**
 * Whether a thread can set its own priority: Linux, where setpriority() takes a thread
 * id and /proc/thread-self names it. On macOS and Windows the id would name the whole
 * process (or nothing), so the workers are left as they are.
 */
export function threadPrioritySupported(): boolean {
  return process.platform === "linux" && existsSync("/proc/thread-self");
}

/**
 * Listens for the reports of one pool's worker threads. Unref'd: it never keeps the
 * process alive. `prepareSpawn()` must run right before each worker thread is created:
 * environment data is copied into a thread when it is created.
 */
export class ThreadPriorityChannel {
  readonly name: string;
  private readonly channel: BroadcastChannel;

  constructor(
    private readonly pool: string,
    private readonly nice: number,
    onReport: (report: ThreadPriorityReport) => void,
  ) {
    this.name = `roa2web:ocr-thread-priority:${pool}`;
    this.channel = new BroadcastChannel(this.name);
    this.channel.unref();
    this.channel.onmessage = (event) => {
      const report = (event as { data?: ThreadPriorityReport }).data;
      if (report?.pool === this.pool) onReport(report);
    };
  }

  prepareSpawn(): void {
    const environment: WorkerEnvironment = {
      pool: this.pool,
      nice: this.nice,
      channel: this.name,
    };
    setEnvironmentData(OCR_WORKER_ENVIRONMENT_KEY, environment);
  }

  close(): void {
    this.channel.close();
  }
}

/** Environment data for threads spawned without a lower priority (nice 0 or unsupported). */
export function prepareSpawnWithoutPriority(): void {
  setEnvironmentData(OCR_WORKER_ENVIRONMENT_KEY, undefined);
}
