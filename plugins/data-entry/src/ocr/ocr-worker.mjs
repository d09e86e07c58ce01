// Entry of each OCR worker thread (tesseract.js `workerPath`): lowers this thread's
// scheduling priority, so that on a machine with as many workers as cores the event
// loop still wins a core whenever it has work, then runs tesseract.js's own Node
// worker script, which does everything else. Plain JavaScript: it runs as is in a
// worker thread, from the source tree (tests) and from the installed package alike.
//
// tesseract.js starts the thread itself (no workerData), so the pool passes its
// settings as worker_threads environment data, copied into each new thread, and this
// thread reports what it did on a BroadcastChannel the pool listens to.
import { readlinkSync } from "node:fs";
import { createRequire } from "node:module";
import { getPriority, setPriority } from "node:os";
import { BroadcastChannel, getEnvironmentData, threadId } from "node:worker_threads";

/** Must match OCR_WORKER_ENVIRONMENT_KEY in thread-priority.ts. */
const settings = getEnvironmentData("roa2web:ocr-worker");

if (settings && settings.nice > 0) {
  let report;
  try {
    // `<pid>/task/<tid>`: on Linux setpriority() with a thread id applies to that
    // thread alone (os.setPriority passes the id through), not to the process.
    const tid = Number(readlinkSync("/proc/thread-self").split("/").pop());
    if (!Number.isSafeInteger(tid) || tid <= 0)
      throw new Error("no thread id in /proc/thread-self");
    // Only ever lower it: a process started with a higher nice keeps it.
    if (getPriority(tid) < settings.nice) setPriority(tid, settings.nice);
    report = { pool: settings.pool, threadId, tid, nice: getPriority(tid) };
  } catch (error) {
    report = { pool: settings.pool, threadId, error: String(error) };
  }
  const channel = new BroadcastChannel(settings.channel);
  channel.postMessage(report);
  channel.close();
}

createRequire(import.meta.url)("tesseract.js/src/worker-script/node/index.js");
