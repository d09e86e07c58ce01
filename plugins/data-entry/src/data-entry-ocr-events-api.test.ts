/**
 * Following an OCR job as server-sent events, over real HTTP (the stream is written
 * on the raw socket), with a recogniser the test drives step by step.
 */
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  inject,
  startTestKernel,
  type TestKernel,
} from "../../../kernel/core/test/helpers/test-kernel.js";
import type { OcrJobs } from "./ocr-jobs.js";
import { ControlledRecognizer, installFakeOcr } from "./test/fake-ocr.js";

const packageRoot = path.resolve(fileURLToPath(new URL("..", import.meta.url)));
const api = "/api/data-entry";
const PNG = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  Buffer.alloc(64, 3),
]);
let t: TestKernel;
let token = "";
let otherToken = "";
let recognizer: ControlledRecognizer;
let jobs: OcrJobs;

beforeAll(async () => {
  t = await startTestKernel({ pluginDirs: [path.dirname(packageRoot)], listen: true });
  if (t.kernel.plugins.get("data-entry")?.state !== "enabled") throw new Error("not started");
  recognizer = new ControlledRecognizer();
  jobs = installFakeOcr(t.kernel, recognizer);
  token = await t.login();
  await t.kernel.users.create({
    username: "elsewhere",
    password: "elsewhere-pass",
    permissions: ["data-entry:read", "data-entry:write"],
    companies: [2],
  });
  otherToken = await t.login("elsewhere", "elsewhere-pass");
});
afterAll(async () => t?.close());

const auth = (bearer = token) => ({ authorization: `Bearer ${bearer}` });

/** A receipt of company 1 with an image attachment, and an OCR job started on it. */
async function startJob(): Promise<string> {
  const created = await inject(t.kernel, {
    method: "POST",
    url: `${api}/receipts`,
    headers: auth(),
    payload: {
      company_id: 1,
      merchant: "X",
      tax_id: "",
      date: "2024-06-12",
      total: 1,
      vat: 0,
      currency: "EUR",
    },
  });
  const boundary = "----sse-test";
  const uploaded = await inject(t.kernel, {
    method: "POST",
    url: `${api}/receipts/${created.json().id}/attachments`,
    headers: { ...auth(), "content-type": `multipart/form-data; boundary=${boundary}` },
    payload: Buffer.concat([
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="b.png"\r\n\r\n`,
      ),
      PNG,
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]),
  });
  const started = await inject(t.kernel, {
    method: "POST",
    url: `${api}/ocr`,
    headers: auth(),
    payload: { attachment_id: uploaded.json().id },
  });
  expect(started.statusCode, started.body).toBe(202);
  return started.json().job_id as string;
}

interface ServerEvent {
  event: string;
  data: Record<string, unknown>;
}

/** Reads server-sent events from a fetch body, one at a time; `null` once the stream ended. */
function eventReader(body: ReadableStream<Uint8Array>) {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  return {
    async next(): Promise<ServerEvent | null> {
      for (;;) {
        const end = buffer.indexOf("\n\n");
        if (end !== -1) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          if (block.startsWith(":")) continue; // a comment (heartbeat)
          const event = /^event: (.*)$/m.exec(block)?.[1] ?? "message";
          const data = JSON.parse(/^data: (.*)$/m.exec(block)?.[1] ?? "null");
          return { event, data };
        }
        const { value, done } = await reader.read();
        if (done) return null;
        buffer += decoder.decode(value, { stream: true });
      }
    },
    cancel: () => reader.cancel(),
  };
}

function openEvents(jobId: string, bearer = token, signal?: AbortSignal) {
  return fetch(`${t.url}${api}/ocr/${jobId}/events`, { headers: auth(bearer), signal });
}

describe("OCR job events", () => {
  it("streams the current state at once, then progress, then done, and ends", async () => {
    const jobId = await startJob();
    const recognition = await recognizer.next();
    const response = await openEvents(jobId);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/event-stream; charset=utf-8");
    expect(response.headers.get("x-request-id")).toBeTruthy();
    expect(response.headers.get("content-security-policy")).toContain("default-src 'none'");
    expect(response.headers.get("content-encoding")).toBeNull();
    const events = eventReader(response.body as ReadableStream<Uint8Array>);

    expect(await events.next()).toEqual({
      event: "progress",
      data: { job_id: jobId, status: "queued", progress: 0, stage: "queued" },
    });
    expect(jobs.listenerCount(jobId)).toBe(1);
    recognition.progress(0.5);
    expect(await events.next()).toEqual({
      event: "progress",
      data: { job_id: jobId, status: "running", progress: 0.5, stage: "recognizing" },
    });
    recognition.finish({ text: "BACKEREI MULLER\nSUMME EUR 5,59\nDatum 12.06.2024 14:22" });
    expect(await events.next()).toMatchObject({
      event: "progress",
      data: { stage: "extracting" },
    });
    expect(await events.next()).toMatchObject({
      event: "done",
      data: {
        job_id: jobId,
        state: "done",
        progress: 1,
        fields: { total: 5.59, date: "2024-06-12", currency: "EUR" },
      },
    });
    expect(await events.next()).toBeNull();
    expect(jobs.listenerCount(jobId)).toBe(0);
  });

  it("answers a finished job with its final event only, and a failed one with failed", async () => {
    const jobId = await startJob();
    (await recognizer.next()).fail(new Error("/secret/engine/path"));
    while (jobs.get(jobId)?.finishedAt === null) await new Promise((r) => setImmediate(r));
    expect(jobs.get(jobId)?.state).toBe("failed");
    // inject() returns once the stream has ended: it did end by itself.
    const response = await inject(t.kernel, {
      method: "GET",
      url: `${api}/ocr/${jobId}/events`,
      headers: auth(),
    });
    expect(response.statusCode).toBe(200);
    expect(response.body).toBe(
      `event: failed\ndata: ${JSON.stringify({
        job_id: jobId,
        error: { code: "DATA_ENTRY_OCR_FAILED", message: "OCR failed" },
      })}\n\n`,
    );
  });

  it("drops the listener when the client goes away, and the job carries on", async () => {
    const jobId = await startJob();
    const recognition = await recognizer.next();
    const abort = new AbortController();
    const response = await openEvents(jobId, token, abort.signal);
    const events = eventReader(response.body as ReadableStream<Uint8Array>);
    expect((await events.next())?.event).toBe("progress");
    expect(jobs.listenerCount(jobId)).toBe(1);
    abort.abort();
    await events.cancel().catch(() => {});
    // The server learns of the disconnect from the socket; wait for it, not for a time.
    while (jobs.listenerCount(jobId) > 0) await new Promise((r) => setTimeout(r, 5));
    expect(jobs.listenerCount()).toBe(0);
    recognition.finish({ text: "SUMME EUR 1,00" });
    while (jobs.get(jobId)?.state !== "done") await new Promise((r) => setImmediate(r));
    expect(jobs.get(jobId)?.fields?.total).toBe(1);
  });

  it("hides another company's job (404) and needs a token (401)", async () => {
    const jobId = await startJob();
    const recognition = await recognizer.next();
    const hidden = await openEvents(jobId, otherToken);
    expect(hidden.status).toBe(404);
    expect(hidden.headers.get("content-type")).toContain("application/json");
    expect((await hidden.json()).error.code).toBe("NOT_FOUND");
    const anonymous = await fetch(`${t.url}${api}/ocr/${jobId}/events`);
    expect(anonymous.status).toBe(401);
    const unknown = await openEvents("3f0f7a4e-0000-4000-8000-000000000000");
    expect(unknown.status).toBe(404);
    recognition.finish({ text: "" });
    expect(jobs.listenerCount()).toBe(0);
  });
});
