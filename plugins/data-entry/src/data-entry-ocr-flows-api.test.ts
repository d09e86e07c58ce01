/**
 * OCR flows with a recogniser the test drives step by step: following a job as
 * server-sent events over real HTTP (the stream is written on the raw socket),
 * filling receipts from OCR, receipts from a photo, and the data-entry.receipts service.
 */
import path from "node:path";
import { fileURLToPath } from "node:url";
import { dataEntryReceipts } from "@roa2web/data-entry-contract";
import { startTestKernel, type TestKernel } from "@roa2web/kernel/testing";
import type { AuthUser, Permission } from "@roa2web/plugin-sdk";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { OcrJobs } from "./ocr-jobs.js";
import { ControlledRecognizer, installFakeOcr } from "./test/fake-ocr.js";
import { ocrRequests } from "./test/ocr-requests.js";
import { pdf, scanPdf, textReceiptPdf } from "./test/pdf-files.js";
import { runningState } from "./test/running-state.js";
import { syntheticReceipt } from "./test/synthetic-receipt.js";

const packageRoot = path.resolve(fileURLToPath(new URL("..", import.meta.url)));
const api = "/api/data-entry";
const PNG = await sharp({
  create: { width: 24, height: 16, channels: 3, background: { r: 240, g: 240, b: 240 } },
})
  .png()
  .toBuffer();
// A PDF's header and trailer around damage: kept as an attachment (its structure is
// a PDF's), refused by pdfjs when OCR reads it.
const DAMAGED_PDF = Buffer.from(`%PDF-1.4\n${"damaged ".repeat(50)}\nstartxref\n9\n%%EOF\n`);
let t: TestKernel;
let token = "";
let otherToken = "";
let recognizer: ControlledRecognizer;
let jobs: OcrJobs;

beforeAll(async () => {
  t = await startTestKernel({
    plugins: [packageRoot],
    listen: true,
    env: { DATA_ENTRY_OCR_ENABLED: "false" },
  });
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
const { receiptWithAttachment, startOcr, postOcr, fromImage } = ocrRequests(
  () => t,
  () => token,
);

/** A receipt of company 1 with an image attachment, and an OCR job started on it. */
async function startJob(): Promise<string> {
  const { attachmentId } = await receiptWithAttachment(PNG, "b.png", {
    merchant: "X",
    currency: "EUR",
  });
  const started = await startOcr(attachmentId);
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
    const response = await t.inject({
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

const TEXT = "BACKEREI MULLER\nSUMME EUR 5,59\nDatum 12.06.2024 14:22";

async function settled(jobId: string) {
  while (jobs.get(jobId)?.finishedAt === null) await new Promise((r) => setImmediate(r));
  return jobs.get(jobId);
}

const getReceipt = async (id: number) =>
  (await t.inject({ method: "GET", url: `${api}/receipts/${id}`, headers: auth() })).json();

describe("a receipt from a photo", () => {
  it("creates a DRAFT with the attachment at once, and OCR fills it in", async () => {
    const created = await fromImage([
      ["company_id", "1"],
      ["file", PNG, "../../bon.png"],
    ]);
    expect(created.statusCode, created.body).toBe(201);
    const receipt = created.json();
    expect(receipt).toMatchObject({
      company_id: 1,
      status: "DRAFT",
      merchant: null,
      date: null,
      total: null,
      vat: null,
      currency: null,
      ocr_status: "pending",
      missing_fields: ["merchant", "date", "total", "vat", "currency"],
      attachments: [{ display_name: "bon.png", mime: "image/png" }],
    });
    expect(receipt.ocr_job_id).toMatch(/^[0-9a-f-]{36}$/);

    // Incomplete: no proposal, no submit, while OCR runs.
    const propose = await t.inject({
      method: "POST",
      url: `${api}/receipts/${receipt.id}/entries/propose`,
      headers: auth(),
      payload: {},
    });
    expect(propose.statusCode).toBe(409);
    const submit = await t.inject({
      method: "POST",
      url: `${api}/receipts/${receipt.id}/submit`,
      headers: auth(),
    });
    expect(submit.statusCode).toBe(409);
    expect(submit.json().error.details.missing).toEqual([
      "merchant",
      "date",
      "total",
      "vat",
      "currency",
    ]);

    const recognition = await recognizer.next();
    expect(recognition.image.equals(PNG)).toBe(true);
    recognition.finish({ text: TEXT });
    const job = await settled(receipt.ocr_job_id);
    expect(job?.applied?.fields).toEqual(["merchant", "date", "total", "currency"]);
    const filled = await getReceipt(receipt.id);
    expect(filled).toMatchObject({
      merchant: job?.fields?.merchant,
      date: "2024-06-12",
      total: 5.59,
      vat: null,
      currency: "EUR",
      ocr_status: "done",
      missing_fields: ["vat"],
    });
    // A note, not a move: a code and parameters for the UI to word in the reader's
    // language, and a text in the records' language (Romanian by default).
    const note = filled.history.at(-1);
    expect(note).toMatchObject({ event: "note", from: "DRAFT", to: "DRAFT", by: "demo" });
    expect(note.note).toEqual({
      code: "ocr_filled",
      params: { confidence: expect.any(Number), fields: ["merchant", "date", "total", "currency"] },
    });
    expect(note.reason).toMatch(
      /^Completat din OCR \(încredere 0,\d\d\): comerciant, dată, total, monedă$/,
    );
    expect(filled.history[0]).toMatchObject({ event: "created", from: null, note: null });
  });

  it("needs the company before the file and a company granted", async () => {
    const missing = await fromImage([["file", PNG, "a.png"]]);
    expect(missing.statusCode).toBe(400);
    expect(missing.json().error.details).toEqual({ field: "company_id", location: "body" });
    const refused = await fromImage(
      [
        ["company_id", "1"],
        ["file", PNG, "a.png"],
      ],
      otherToken,
    );
    expect(refused.statusCode).toBe(403);
    const text = await fromImage([
      ["company_id", "1"],
      ["file", Buffer.from("not an image"), "a.jpg"],
    ]);
    expect(text.statusCode).toBe(415);
  });
});

describe("PDF receipts", () => {
  const E_INVOICE: Array<string | [string, string]> = [
    "Bäckerei Müller GmbH",
    "Hauptstraße 12",
    "33100 Paderborn",
    ["Roggenbrot", "3,49 A"],
    ["Kaffee", "2,10 A"],
    ["SUMME EUR", "5,59"],
    ["MwSt 7% Netto 5,22", "0,37"],
    "Datum 12.06.2024 14:22",
  ];

  const receiptWithFile = (file: Buffer, name: string) =>
    receiptWithAttachment(file, name, { date: "2024-06-13" });

  it("fills a receipt from an e-mailed PDF's text layer, without OCR", async () => {
    const created = await fromImage([
      ["company_id", "1"],
      ["file", await textReceiptPdf(E_INVOICE), "rechnung.pdf"],
    ]);
    expect(created.statusCode, created.body).toBe(201);
    expect(created.json()).toMatchObject({
      ocr_status: "pending",
      attachments: [{ display_name: "rechnung.pdf", mime: "application/pdf" }],
    });
    const job = await settled(created.json().ocr_job_id);
    expect(job).toMatchObject({ state: "done", source: "pdf_text" });
    expect(job?.applied?.fields).toEqual(["merchant", "date", "total", "vat", "currency"]);
    expect(await getReceipt(created.json().id)).toMatchObject({
      merchant: "Bäckerei Müller GmbH",
      date: "2024-06-12",
      total: 5.59,
      vat: 0.37,
      currency: "EUR",
      ocr_status: "done",
      missing_fields: [],
    });
    const view = await t.inject({
      method: "GET",
      url: `${api}/ocr/${created.json().ocr_job_id}`,
      headers: auth(),
    });
    expect(view.json()).toMatchObject({ state: "done", source: "pdf_text", error: null });
  });

  it("reads a scan saved as PDF with the recogniser, reporting progress", async () => {
    const scan = await syntheticReceipt();
    const created = await fromImage([
      ["company_id", "1"],
      ["file", await scanPdf(scan), "scan.pdf"],
    ]);
    expect(created.statusCode, created.body).toBe(201);
    const jobId = created.json().ocr_job_id as string;
    const recognition = await recognizer.next();
    // The page's image, as a PNG of the scan's own size.
    expect(await sharp(recognition.image).metadata()).toMatchObject(
      await sharp(scan)
        .metadata()
        .then(({ width, height }) => ({ format: "png", width, height })),
    );
    recognition.progress(0.5);
    const running = await t.inject({
      method: "GET",
      url: `${api}/ocr/${jobId}`,
      headers: auth(),
    });
    expect(running.json()).toMatchObject({ state: "running", stage: "recognizing", source: null });
    expect(running.json().progress).toBeCloseTo(0.05 + 0.95 * 0.5, 5);
    recognition.finish({ text: TEXT });
    const job = await settled(jobId);
    expect(job).toMatchObject({ state: "done", source: "pdf_scan" });
    expect(await getReceipt(created.json().id)).toMatchObject({ total: 5.59, ocr_status: "done" });
  });

  it("ends the job failed with the reason for a damaged PDF or one with nothing to read", async () => {
    const damaged = await fromImage([
      ["company_id", "1"],
      ["file", DAMAGED_PDF, "f.pdf"],
    ]);
    expect(damaged.statusCode).toBe(201);
    expect((await settled(damaged.json().ocr_job_id))?.error).toEqual({
      code: "DATA_ENTRY_OCR_PDF_UNREADABLE",
      message: expect.stringMatching(/^The PDF could not be read/),
    });
    expect((await getReceipt(damaged.json().id)).ocr_status).toBe("failed");

    const blank = await receiptWithFile(
      await pdf((document) => {
        document.rect(100, 100, 50, 50).stroke();
      }),
      "blank.pdf",
    );
    const started = await startOcr(blank.attachmentId);
    expect(started.statusCode, started.body).toBe(202);
    expect((await settled(started.json().job_id))?.error).toEqual({
      code: "DATA_ENTRY_OCR_PDF_EMPTY",
      message: "The PDF has no text and no readable image on its first page",
    });
  });

  it("answers 400 when OCR is asked of a damaged or password-protected PDF", async () => {
    const damaged = await receiptWithFile(DAMAGED_PDF, "f.pdf");
    const plain = await startOcr(damaged.attachmentId);
    expect(plain.statusCode).toBe(400);
    expect(plain.json().error).toMatchObject({
      code: "BAD_REQUEST",
      message: expect.stringMatching(/^The PDF could not be read/),
      details: { reason: "DATA_ENTRY_OCR_PDF_UNREADABLE" },
    });

    const locked = await receiptWithFile(
      await textReceiptPdf(E_INVOICE, { userPassword: "secret" }),
      "locked.pdf",
    );
    const intoReceipt = await t.inject({
      method: "POST",
      url: `${api}/receipts/${locked.id}/ocr`,
      headers: auth(),
      payload: { attachment_id: locked.attachmentId },
    });
    expect(intoReceipt.statusCode).toBe(400);
    expect(intoReceipt.json().error).toMatchObject({
      message: expect.stringContaining("password"),
      details: { reason: "DATA_ENTRY_OCR_PDF_ENCRYPTED" },
    });
    expect(await getReceipt(locked.id)).toMatchObject({ ocr_status: "failed", merchant: "?" });
  });

  it("fills an existing receipt from a PDF attachment", async () => {
    const { id, attachmentId } = await receiptWithFile(
      await textReceiptPdf(E_INVOICE),
      "rechnung.pdf",
    );
    const started = await t.inject({
      method: "POST",
      url: `${api}/receipts/${id}/ocr`,
      headers: auth(),
      payload: { attachment_id: attachmentId, overwrite: true },
    });
    expect(started.statusCode, started.body).toBe(202);
    await settled(started.json().job_id);
    expect(await getReceipt(id)).toMatchObject({
      merchant: "Bäckerei Müller GmbH",
      total: 5.59,
      currency: "EUR",
    });
  });
});

describe("OCR into an existing receipt", () => {
  const typedReceiptWithImage = () =>
    receiptWithAttachment(PNG, "b.png", {
      merchant: "Typed by hand",
      date: "2024-06-13",
      total: 10,
    });

  function runOcr(id: number, body: object, bearer = token) {
    return t.inject({
      method: "POST",
      url: `${api}/receipts/${id}/ocr`,
      headers: auth(bearer),
      payload: body,
    });
  }

  it("fills only empty fields, or everything with overwrite", async () => {
    const { id, attachmentId } = await typedReceiptWithImage();
    const kept = await runOcr(id, { attachment_id: attachmentId });
    expect(kept.statusCode, kept.body).toBe(202);
    expect((await getReceipt(id)).ocr_status).toBe("pending");
    (await recognizer.next()).finish({ text: TEXT });
    expect((await settled(kept.json().job_id))?.applied).toEqual({ fields: [], error: null });
    const unchanged = await getReceipt(id);
    expect(unchanged).toMatchObject({
      merchant: "Typed by hand",
      total: 10,
      currency: "RON",
      ocr_status: "done",
    });
    expect(unchanged.history).toHaveLength(1);

    const replaced = await runOcr(id, { attachment_id: attachmentId, overwrite: true });
    (await recognizer.next()).finish({ text: TEXT });
    await settled(replaced.json().job_id);
    expect(await getReceipt(id)).toMatchObject({
      total: 5.59,
      date: "2024-06-12",
      currency: "EUR",
      vat: 0,
    });
  });

  it("keeps a tax id OCR read that fails its check, flagged for the user, not refused", async () => {
    const { id, attachmentId } = await typedReceiptWithImage();
    const started = await runOcr(id, { attachment_id: attachmentId });
    // OMV Petrom's CUI is RO1590082: the last digit was misread.
    (await recognizer.next()).finish({ text: "OMV PETROM\nCUI: RO1590083\nTOTAL LEI 10,00" });
    expect((await settled(started.json().job_id))?.applied?.fields).toContain("tax_id");
    const flagged = await getReceipt(id);
    expect(flagged.tax_id).toBe("RO1590083");
    expect(flagged.warnings).toEqual(["TAX_ID_INVALID"]);
    expect(flagged.notices).toContain("TAX_ID_INVALID");
    // Other fields can still be saved; typing the same wrong id is refused.
    const patch = (payload: object) =>
      t.inject({
        method: "PATCH",
        url: `${api}/receipts/${id}`,
        headers: auth(),
        payload,
      });
    expect((await patch({ notes: "checked" })).statusCode).toBe(200);
    const typed = await patch({ tax_id: "RO1590083" });
    expect(typed.statusCode).toBe(400);
    expect(typed.json().error.details.field).toMatch(/tax_id$/);
    expect((await patch({ tax_id: "RO1590082" })).json().warnings).toEqual([]);
  });

  it("records a failed OCR, and leaves a receipt submitted meanwhile alone", async () => {
    const { id, attachmentId } = await typedReceiptWithImage();
    const failing = await runOcr(id, { attachment_id: attachmentId });
    (await recognizer.next()).fail(new Error("engine"));
    await settled(failing.json().job_id);
    expect((await getReceipt(id)).ocr_status).toBe("failed");

    const late = await runOcr(id, { attachment_id: attachmentId, overwrite: true });
    const recognition = await recognizer.next();
    await t.inject({
      method: "POST",
      url: `${api}/receipts/${id}/entries/propose`,
      headers: auth(),
      payload: {},
    });
    const submitted = await t.inject({
      method: "POST",
      url: `${api}/receipts/${id}/submit`,
      headers: auth(),
    });
    expect(submitted.statusCode, submitted.body).toBe(200);
    recognition.finish({ text: TEXT });
    const job = await settled(late.json().job_id);
    expect(job?.applied?.error).toContain("PENDING");
    expect(await getReceipt(id)).toMatchObject({ status: "PENDING", total: 10 });
  });

  it("refuses another receipt's attachment (404) and another company's receipt (404)", async () => {
    const first = await typedReceiptWithImage();
    const second = await typedReceiptWithImage();
    expect((await runOcr(first.id, { attachment_id: second.attachmentId })).statusCode).toBe(404);
    expect(
      (await runOcr(first.id, { attachment_id: first.attachmentId }, otherToken)).statusCode,
    ).toBe(404);
  });
});

describe("the data-entry.receipts service", () => {
  /** A user as a consumer (the Telegram bot) passes it to `.for(user)`. */
  const user = (permissions: Permission[], companies: number[]): AuthUser => ({
    id: 41,
    username: "telegram-clerk",
    displayName: "Telegram Clerk",
    permissions,
    companies,
  });
  const writer = user(["data-entry:read", "data-entry:write"], [1]);
  const receipts = () => t.service(dataEntryReceipts);
  const input = { companyId: 1, fileName: "x.png", bytes: PNG };

  it("creates a DRAFT from a photo for the user, and resolves with what OCR read once it is applied", async () => {
    const result = await receipts()
      .for(writer)
      .createDraftFromImage({ ...input, fileName: "telegram-photo.png" });
    expect(result.receipt).toMatchObject({ status: "DRAFT", company_id: 1 });
    (await recognizer.next()).finish({ text: TEXT });
    const reading = await result.ocr;
    expect(reading).toMatchObject({
      total: 5.59,
      date: "2024-06-12",
      currency: "EUR",
      vat: null,
      applied: ["merchant", "date", "total", "currency"],
    });
    expect(reading?.confidence).toBeGreaterThan(0);
    const receipt = await getReceipt(result.receipt.id);
    expect(receipt).toMatchObject({
      total: 5.59,
      created_by: "telegram-clerk",
      ocr_status: "done",
    });
    expect(receipt.attachments[0].display_name).toBe("telegram-photo.png");
  });

  it("resolves null when OCR fails", async () => {
    const result = await receipts().for(writer).createDraftFromImage(input);
    (await recognizer.next()).fail(new Error("engine"));
    expect(await result.ocr).toBeNull();
  });

  it("checks the caller's permission and company on every call (403), and the file (415)", async () => {
    const count = async () =>
      (await t.database("data-entry").query("SELECT id FROM receipts")).length;
    const before = await count();
    await expect(
      receipts()
        .for(user(["data-entry:read"], [1]))
        .createDraftFromImage(input),
    ).rejects.toMatchObject({
      statusCode: 403,
      details: { permission: "data-entry:write", via: "test" },
    });
    await expect(
      receipts()
        .for(user(["data-entry:write"], [2]))
        .createDraftFromImage(input),
    ).rejects.toMatchObject({ statusCode: 403, details: { company: 1, via: "test" } });
    // A receipt is somebody's: a plugin acting on its own may not make one.
    await expect(
      receipts().asSystem("a scheduled import").createDraftFromImage(input),
    ).rejects.toMatchObject({ statusCode: 403, details: { via: "test" } });
    await expect(
      receipts()
        .for(writer)
        .createDraftFromImage({ ...input, bytes: Buffer.from("text") }),
    ).rejects.toMatchObject({ statusCode: 415 });
    expect(await count()).toBe(before);
  });
});

describe("an image posted to POST /ocr on its own", () => {
  const getJob = (jobId: string, bearer = token) =>
    t.inject({ method: "GET", url: `${api}/ocr/${jobId}`, headers: auth(bearer) });

  it("reads the uploaded bytes and shows the job only to the user who sent it", async () => {
    const started = await postOcr([["file", PNG, "bon.png"]]);
    expect(started.statusCode, started.body).toBe(202);
    const jobId = started.json().job_id as string;
    const recognition = await recognizer.next();
    expect(recognition.image.equals(PNG)).toBe(true);
    recognition.finish({ text: TEXT });
    await settled(jobId);
    const job = await getJob(jobId);
    expect(job.statusCode).toBe(200);
    expect(job.json()).toMatchObject({
      job_id: jobId,
      attachment_id: null,
      receipt_id: null,
      state: "done",
      fields: { total: 5.59, date: "2024-06-12", currency: "EUR", text: TEXT },
    });
    expect((await getJob(jobId, otherToken)).statusCode).toBe(404);
  });

  it("with a company_id first, shows the job to that company's users", async () => {
    const started = await postOcr([
      ["company_id", "2"],
      ["file", PNG, "bon.png"],
    ]);
    expect(started.statusCode, started.body).toBe(202);
    const jobId = started.json().job_id as string;
    (await recognizer.next()).finish({ text: TEXT });
    await settled(jobId);
    expect((await getJob(jobId, otherToken)).json()).toMatchObject({ state: "done" });

    const notGranted = await postOcr(
      [
        ["company_id", "1"],
        ["file", PNG, "bon.png"],
      ],
      otherToken,
    );
    expect(notGranted.statusCode).toBe(403);
    const badCompany = await postOcr([
      ["company_id", "one"],
      ["file", PNG, "bon.png"],
    ]);
    expect(badCompany.statusCode).toBe(400);
    expect(badCompany.json().error.message).toContain("company_id");
  });

  it("refuses what is not an image, a form without the file, and an empty request", async () => {
    const before = jobs.size;
    const text = await postOcr([["file", "just some text, not a picture", "bon.jpg"]]);
    expect(text.statusCode).toBe(415);
    expect(text.json().error.code).toBe("UNSUPPORTED_MEDIA_TYPE");
    const noFile = await postOcr([["company_id", "1"]]);
    expect(noFile.statusCode).toBe(400);
    expect(noFile.json().error.message).toContain("file");
    const empty = await t.inject({ method: "POST", url: `${api}/ocr`, headers: auth() });
    expect(empty.statusCode).toBe(400);
    const wrongJson = await t.inject({
      method: "POST",
      url: `${api}/ocr`,
      headers: auth(),
      payload: { attachment: "x" },
    });
    expect(wrongJson.statusCode).toBe(400);
    // None of them started a job.
    expect(jobs.size).toBe(before);
    // A damaged PDF is opened before the answer: 400 (its job records the failure).
    const damagedPdf = await postOcr([["file", "%PDF-1.4\n%%EOF\n", "bon.pdf"]]);
    expect(damagedPdf.statusCode).toBe(400);
    expect(damagedPdf.json().error.message).toContain("PDF");
  });
});

describe("OCR interrupted by a stop", () => {
  const state = () => runningState(t.kernel);

  it("reads the photo again at the next start, and fails what it cannot resume", async () => {
    const created = await fromImage([
      ["company_id", "1"],
      ["file", PNG, "bon.png"],
    ]);
    const receipt = created.json();
    await recognizer.next(); // taken by the engine, never finished: the process "dies"
    // A new process: new jobs, the old job forgotten, the receipt still "pending", and
    // the dead process's claim on it gone (released at a stop, lapsed after a crash).
    jobs = installFakeOcr(t.kernel, recognizer);
    await state().receiptOcr.releaseClaims();
    expect((await getReceipt(receipt.id)).ocr_status).toBe("pending");

    expect(await state().receiptOcr.resumeInterrupted()).toEqual({ resumed: 1, failed: 0 });
    const again = await recognizer.next();
    expect(again.image.equals(PNG)).toBe(true);
    again.finish({ text: TEXT });
    const pending = await getReceipt(receipt.id);
    expect(pending.ocr_job_id).not.toBe(receipt.ocr_job_id);
    await settled(pending.ocr_job_id);
    expect(await getReceipt(receipt.id)).toMatchObject({
      ocr_status: "done",
      total: 5.59,
      date: "2024-06-12",
    });

    // With OCR off there is nothing to resume with: the receipt stops waiting.
    const second = (
      await fromImage([
        ["company_id", "1"],
        ["file", PNG, "bon.png"],
      ])
    ).json();
    await recognizer.next();
    await state().receiptOcr.releaseClaims();
    const ocr = state().ocr;
    state().ocr = null;
    try {
      expect(await state().receiptOcr.resumeInterrupted()).toEqual({ resumed: 0, failed: 1 });
    } finally {
      state().ocr = ocr;
    }
    expect((await getReceipt(second.id)).ocr_status).toBe("failed");
    jobs = installFakeOcr(t.kernel, recognizer);
  });

  it("reads a receipt claimed by another kernel only once that kernel's claim lapsed", async () => {
    const created = (
      await fromImage([
        ["company_id", "1"],
        ["file", PNG, "bon.png"],
      ])
    ).json();
    await recognizer.next(); // this kernel's job, never finished
    jobs = installFakeOcr(t.kernel, recognizer);
    await state().receiptOcr.releaseClaims();
    // Another kernel on the same DATA_DIR (a hand-over) took it up and is reading it.
    const store = state().store;
    expect(
      await store.claimOcr(
        created.id,
        { holder: "other", expiresMs: Date.now() + 60_000 },
        Date.now(),
      ),
    ).toBe(true);
    expect(await state().receiptOcr.resumeInterrupted()).toEqual({ resumed: 0, failed: 0 });
    // That kernel died: its claim lapsed (written here as lapsed a minute from now). This
    // kernel reads the receipt, exactly once however many looks run at the same time.
    expect(
      await store.claimOcr(
        created.id,
        { holder: "other", expiresMs: Date.now() - 1 },
        Date.now() + 61_000,
      ),
    ).toBe(true);
    const [first, second] = await Promise.all([
      state().receiptOcr.resumeInterrupted(),
      state().receiptOcr.resumeInterrupted(),
    ]);
    expect(first.resumed + second.resumed).toBe(1);
    const again = await recognizer.next();
    again.finish({ text: TEXT });
    await settled((await getReceipt(created.id)).ocr_job_id);
    expect((await getReceipt(created.id)).ocr_status).toBe("done");
  });

  it("leaves a receipt pending when its job ends because the pool closed (a stop)", async () => {
    const third = (
      await fromImage([
        ["company_id", "1"],
        ["file", PNG, "bon.png"],
      ])
    ).json();
    const recognition = await recognizer.next();
    const ocr = state().ocr;
    if (!ocr) throw new Error("OCR is off");
    const closedPool = { ...ocr.pool, status: () => ({ ...ocr.pool.status(), state: "closed" }) };
    state().ocr = { ...ocr, pool: closedPool as typeof ocr.pool };
    try {
      recognition.fail(new Error("OCR unavailable: the pool was closed"));
      await settled(third.ocr_job_id);
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect((await getReceipt(third.id)).ocr_status).toBe("pending");
    } finally {
      state().ocr = ocr;
    }
  });
});
