import { describe, expect, it } from "vitest";
import {
  followOcrJob,
  OcrDisabledError,
  OcrFailedError,
  type OcrProgress,
  type OcrTransport,
  proposedFields,
  startOcr,
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
  const polls = [...(options.polls ?? [])];
  const transport: OcrTransport = {
    async get<T>(path: string) {
      calls.push(`GET ${path}`);
      const next = polls.shift();
      if (!next) throw new HttpError(404);
      return next as T;
    },
    async post<T>(path: string) {
      calls.push(`POST ${path}`);
      return { job_id: "j1", state: "queued" } as T;
    },
    async events(path, onEvent, signal) {
      calls.push(`EVENTS ${path}`);
      if (!options.events) throw new HttpError(404);
      return options.events(onEvent, signal);
    },
    sleep: async () => undefined,
  };
  return { transport, calls };
}

describe("followOcrJob", () => {
  it("reads progress and the result from the event stream", async () => {
    const { transport, calls } = scripted({
      events: async (onEvent, signal) => {
        onEvent({
          event: "progress",
          data: { status: "running", progress: 0.4, stage: "recognizing text" },
        });
        onEvent({ event: "done", data: { job_id: "j1", state: "done", progress: 1, fields } });
        // A real stream stays open until aborted.
        if (signal?.aborted) throw Object.assign(new Error("aborted"), { name: "AbortError" });
        await new Promise<void>((_, reject) =>
          signal?.addEventListener("abort", () =>
            reject(Object.assign(new Error("aborted"), { name: "AbortError" })),
          ),
        );
      },
    });
    const seen: OcrProgress[] = [];
    const job = await followOcrJob("j1", {
      transport,
      signal: new AbortController().signal,
      onProgress: (progress) => seen.push(progress),
    });
    expect(job.fields).toEqual(fields);
    expect(seen).toEqual([{ state: "running", progress: 0.4, stage: "recognizing text" }]);
    expect(calls).toEqual(["EVENTS /api/data-entry/ocr/j1/events"]);
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
      events: async (onEvent) => onEvent({ event: "failed", data: { error: "timeout" } }),
    });
    await expect(
      followOcrJob("j1", {
        transport: streamed.transport,
        signal: new AbortController().signal,
        onProgress: () => undefined,
      }),
    ).rejects.toThrow(new OcrFailedError("timeout"));
    const polled = scripted({
      polls: [{ job_id: "j1", state: "failed", progress: 0.3, error: "bad image" }],
    });
    await expect(
      followOcrJob("j1", {
        transport: polled.transport,
        signal: new AbortController().signal,
        onProgress: () => undefined,
      }),
    ).rejects.toThrow("bad image");
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

describe("startOcr", () => {
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
    await expect(startOcr(transport, "a")).rejects.toBeInstanceOf(OcrDisabledError);
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
