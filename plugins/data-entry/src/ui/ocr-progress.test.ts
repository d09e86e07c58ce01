import { describe, expect, it } from "vitest";
import {
  followOcrJob,
  OcrDisabledError,
  OcrJobLostError,
  type OcrProgress,
  type OcrTransport,
  proposedFields,
  startReceiptOcr,
} from "./ocr-progress.js";
import type { OcrJob } from "./types.js";

class HttpError extends Error {
  constructor(readonly status: number) {
    super(`HTTP ${status}`);
  }
}

const fields = {
  merchant: "ALDI",
  tax_id: null,
  date: "2020-03-02",
  total: 12.5,
  vat: 0.82,
  currency: "EUR",
};

/** A transport whose event stream and polls are scripted. */
function scripted(options: {
  events?: (
    onEvent: (event: { event: string; data: unknown }) => void,
    signal?: AbortSignal,
  ) => Promise<void>;
  polls?: OcrJob[];
}) {
  const calls: string[] = [];
  const posted: unknown[] = [];
  const polls = [...(options.polls ?? [])];
  const transport: OcrTransport = {
    async get<T>(path: string) {
      calls.push(`GET ${path}`);
      const next = polls.shift();
      if (!next) throw new HttpError(404);
      return next as T;
    },
    async post<T>(path: string, body: unknown) {
      calls.push(`POST ${path}`);
      posted.push(body);
      return { job_id: "j1", state: "queued" } as T;
    },
    async events(path, onEvent, signal) {
      calls.push(`EVENTS ${path}`);
      if (!options.events) throw new HttpError(404);
      return options.events(onEvent, signal);
    },
    sleep: async () => undefined,
  };
  return { transport, calls, posted };
}

/** A stream that stays open until aborted, like the real one after its last event. */
function holdOpen(signal?: AbortSignal): Promise<void> {
  return new Promise<void>((_, reject) => {
    const fail = () => reject(Object.assign(new Error("aborted"), { name: "AbortError" }));
    if (signal?.aborted) fail();
    signal?.addEventListener("abort", fail);
  });
}

describe("followOcrJob", () => {
  it("reads progress and the done job (fields, applied) from the event stream", async () => {
    // The server's shapes (ocrJobEvent in src/views.ts).
    const done = {
      job_id: "j1",
      attachment_id: "a1",
      receipt_id: 7,
      state: "done",
      stage: "done",
      progress: 1,
      fields,
      applied: { fields: ["merchant", "date", "total"], error: null },
      error: null,
    };
    const { transport, calls } = scripted({
      events: async (onEvent, signal) => {
        onEvent({
          event: "progress",
          data: { job_id: "j1", status: "queued", progress: 0, stage: "queued" },
        });
        onEvent({
          event: "progress",
          data: { job_id: "j1", status: "running", progress: 0.4, stage: "recognizing" },
        });
        onEvent({ event: "done", data: done });
        await holdOpen(signal);
      },
    });
    const seen: OcrProgress[] = [];
    const job = await followOcrJob("j1", {
      transport,
      signal: new AbortController().signal,
      onProgress: (progress) => seen.push(progress),
    });
    expect(job).toEqual(done);
    expect(job.applied?.fields).toEqual(["merchant", "date", "total"]);
    expect(seen).toEqual([
      { state: "queued", progress: 0, stage: "queued" },
      { state: "running", progress: 0.4, stage: "recognizing" },
    ]);
    expect(calls).toEqual(["EVENTS /api/data-entry/ocr/j1/events"]);
  });

  it("does not poll when the stream fails with anything but 404", async () => {
    const { transport, calls } = scripted({
      events: async () => {
        throw new HttpError(500);
      },
      polls: [{ job_id: "j1", state: "done", progress: 1, fields }],
    });
    await expect(
      followOcrJob("j1", {
        transport,
        signal: new AbortController().signal,
        onProgress: () => undefined,
      }),
    ).rejects.toThrow("HTTP 500");
    expect(calls.filter((call) => call.startsWith("GET"))).toHaveLength(0);
  });

  it("reports a stream that ends before the job's last event", async () => {
    const { transport } = scripted({
      events: async (onEvent) =>
        onEvent({ event: "progress", data: { job_id: "j1", status: "running", progress: 0.1 } }),
    });
    await expect(
      followOcrJob("j1", {
        transport,
        signal: new AbortController().signal,
        onProgress: () => undefined,
      }),
    ).rejects.toThrow("ended before the job did");
  });

  it("opens the stream again after a reconnect event and follows the job to its end", async () => {
    // The first kernel stops mid-job (a hand-over): its last event says reconnect.
    const streams = [
      (onEvent: (event: { event: string; data: unknown }) => void) => {
        onEvent({ event: "progress", data: { job_id: "j1", status: "running", progress: 0.3 } });
        onEvent({ event: "reconnect", data: { reason: "server-stopping", retry_ms: 1000 } });
      },
      (onEvent: (event: { event: string; data: unknown }) => void) => {
        onEvent({ event: "done", data: { job_id: "j1", state: "done", fields } });
      },
    ];
    const waited: number[] = [];
    const { transport, calls } = scripted({
      events: async (onEvent) => streams.shift()?.(onEvent),
    });
    transport.sleep = async (ms) => {
      waited.push(ms);
    };
    const seen: OcrProgress[] = [];
    const job = await followOcrJob("j1", {
      transport,
      signal: new AbortController().signal,
      onProgress: (progress) => seen.push(progress),
    });
    expect(job.fields).toEqual(fields);
    expect(waited).toEqual([1000]);
    expect(calls).toEqual([
      "EVENTS /api/data-entry/ocr/j1/events",
      "EVENTS /api/data-entry/ocr/j1/events",
    ]);
    expect(seen).toEqual([{ state: "running", progress: 0.3, stage: undefined }]);
  });

  it("retries a reconnect the server cannot answer yet, and says when the job is gone", async () => {
    let attempt = 0;
    const { transport } = scripted({
      events: async (onEvent) => {
        attempt += 1;
        if (attempt === 1) {
          onEvent({ event: "reconnect", data: { reason: "server-stopping", retry_ms: 500 } });
          return;
        }
        // A moment with no server, then a kernel that never ran this job.
        if (attempt === 2) throw new TypeError("fetch failed");
        throw new HttpError(404);
      },
    });
    await expect(
      followOcrJob("j1", {
        transport,
        signal: new AbortController().signal,
        onProgress: () => undefined,
      }),
    ).rejects.toBeInstanceOf(OcrJobLostError);
    expect(attempt).toBe(3);
  });

  it("polls when the events endpoint answers 404", async () => {
    const { transport, calls } = scripted({
      polls: [
        { job_id: "j1", state: "queued", progress: 0 },
        { job_id: "j1", state: "running", progress: 0.5 },
        { job_id: "j1", state: "done", progress: 1, fields },
      ],
    });
    const seen: number[] = [];
    const job = await followOcrJob("j1", {
      transport,
      signal: new AbortController().signal,
      onProgress: (progress) => seen.push(progress.progress),
    });
    expect(job.fields).toEqual(fields);
    expect(seen).toEqual([0, 0.5, 1]);
    expect(calls.filter((call) => call.startsWith("GET"))).toHaveLength(3);
  });

  it("rejects with the job's error when it failed (stream or poll)", async () => {
    const streamed = scripted({
      events: async (onEvent, signal) => {
        onEvent({
          event: "failed",
          data: { job_id: "j1", error: { code: "OCR_TIMEOUT", message: "timeout" } },
        });
        await holdOpen(signal);
      },
    });
    await expect(
      followOcrJob("j1", {
        transport: streamed.transport,
        signal: new AbortController().signal,
        onProgress: () => undefined,
      }),
    ).rejects.toMatchObject({
      name: "OcrFailedError",
      message: "timeout",
      // The code travels with it: the page words it in the user's language.
      code: "OCR_TIMEOUT",
    });
    const polled = scripted({
      polls: [
        {
          job_id: "j1",
          state: "failed",
          progress: 0.3,
          error: { code: "OCR_FAILED", message: "bad image" },
        },
      ],
    });
    await expect(
      followOcrJob("j1", {
        transport: polled.transport,
        signal: new AbortController().signal,
        onProgress: () => undefined,
      }),
    ).rejects.toMatchObject({ message: "bad image", code: "OCR_FAILED" });
  });

  it("stops polling when aborted", async () => {
    const controller = new AbortController();
    const { transport, calls } = scripted({
      polls: Array.from({ length: 50 }, () => ({
        job_id: "j1",
        state: "running" as const,
        progress: 0.1,
      })),
    });
    const run = followOcrJob("j1", {
      transport,
      signal: controller.signal,
      onProgress: () => {
        if (calls.filter((call) => call.startsWith("GET")).length === 2) controller.abort();
      },
    });
    await expect(run).rejects.toMatchObject({ name: "AbortError" });
    expect(calls.filter((call) => call.startsWith("GET"))).toHaveLength(2);
  });
});

describe("startReceiptOcr", () => {
  it("posts to the receipt's own OCR route, overwrite only when asked", async () => {
    const { transport, calls, posted } = scripted({});
    expect(await startReceiptOcr(transport, 7, "a1")).toBe("j1");
    expect(await startReceiptOcr(transport, 7, "a1", true)).toBe("j1");
    expect(calls).toEqual([
      "POST /api/data-entry/receipts/7/ocr",
      "POST /api/data-entry/receipts/7/ocr",
    ]);
    expect(posted).toEqual([
      { attachment_id: "a1", overwrite: false },
      { attachment_id: "a1", overwrite: true },
    ]);
  });

  it("turns a 503 into OcrDisabledError", async () => {
    const transport: OcrTransport = {
      get: async () => {
        throw new Error("unused");
      },
      post: async () => {
        throw new HttpError(503);
      },
      events: async () => undefined,
    };
    await expect(startReceiptOcr(transport, 1, "a")).rejects.toBeInstanceOf(OcrDisabledError);
  });
});

describe("proposedFields", () => {
  it("lists what was found as form text", () => {
    expect(proposedFields(fields)).toEqual([
      { field: "merchant", value: "ALDI" },
      { field: "date", value: "2020-03-02" },
      { field: "total", value: "12.50" },
      { field: "vat", value: "0.82" },
      { field: "currency", value: "EUR" },
    ]);
    expect(proposedFields(fields, ",").find((proposal) => proposal.field === "total")?.value).toBe(
      "12,50",
    );
  });
});
