import { readdirSync, readFileSync, readlinkSync } from "node:fs";
import { describe, expect, it, vi } from "vitest";
import { OcrPool, type OcrPoolLogger } from "./ocr-pool.js";
import { threadPrioritySupported } from "./thread-priority.js";

/** The nice value of one thread of this process, as the kernel reports it. */
function niceOf(tid: number): number {
  const stat = readFileSync(`/proc/${process.pid}/task/${tid}/stat`, "utf8");
  // Fields after the command name (in parentheses, may hold spaces): state is field 3,
  // nice is field 19.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return Number(fields[16]);
}

function threadNices(): Map<number, number> {
  const nices = new Map<number, number>();
  for (const task of readdirSync(`/proc/${process.pid}/task`)) {
    try {
      nices.set(Number(task), niceOf(Number(task)));
    } catch {
      // The thread ended between the listing and the read.
    }
  }
  return nices;
}

function recordingLogger() {
  const debug: Array<{ object: Record<string, unknown>; message: string }> = [];
  const logger: OcrPoolLogger = {
    info() {},
    warn() {},
    error() {},
    debug: (object, message) => debug.push({ object, message }),
  };
  return { logger, debug };
}

const linux = threadPrioritySupported();

describe("OCR worker thread priority", () => {
  it.skipIf(!linux)(
    "runs each worker thread at the configured nice value and leaves this thread alone (Linux; elsewhere skipped: no per-thread priority)",
    async () => {
      const ownTid = Number(readlinkSync("/proc/thread-self").split("/").pop());
      const ownNice = niceOf(ownTid);
      const { logger, debug } = recordingLogger();
      const pool = new OcrPool({ size: 2, threadNice: 7, logger });
      try {
        pool.start();
        await pool.ready;
        const reports = await vi.waitFor(() => {
          const found = debug.filter((entry) => entry.object.tid !== undefined);
          expect(found).toHaveLength(2);
          return found;
        });
        for (const { object } of reports) {
          // Read back from the kernel, not from what the thread said it did.
          // A priority is only ever lowered: a test run under nice ≥ 7 keeps its own.
          expect(niceOf(object.tid as number)).toBe(Math.max(ownNice, 7));
        }
        if (ownNice < 7) {
          // Exactly the two worker threads were lowered: not this thread, not the rest.
          const lowered = [...threadNices()].filter(([, nice]) => nice !== ownNice);
          expect(lowered.map(([tid]) => tid).sort()).toEqual(
            reports.map(({ object }) => object.tid as number).sort(),
          );
        }
        expect(niceOf(ownTid)).toBe(ownNice);
      } finally {
        await pool.close();
      }
    },
  );

  it.skipIf(!linux)(
    "leaves every thread at normal priority with threadNice 0 (Linux; elsewhere skipped: no per-thread priority)",
    async () => {
      const ownNice = niceOf(Number(readlinkSync("/proc/thread-self").split("/").pop()));
      // The previous test's lowered threads can outlive its pool.close() by a moment (a full run
      // once saw one at nice 7 here): wait until they are gone before starting.
      await vi.waitFor(() => {
        for (const nice of threadNices().values()) expect(nice).toBe(ownNice);
      });
      const pool = new OcrPool({ size: 1, threadNice: 0 });
      try {
        pool.start();
        await pool.ready;
        for (const nice of threadNices().values()) expect(nice).toBe(ownNice);
      } finally {
        await pool.close();
      }
    },
  );

  it("refuses a nice value outside 0–19", () => {
    expect(() => new OcrPool({ threadNice: 20 })).toThrow(RangeError);
    expect(() => new OcrPool({ threadNice: -1 })).toThrow(RangeError);
  });
});
