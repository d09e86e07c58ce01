/**
 * OCR through the API, with a real one-worker pool (the other HTTP tests run with OCR
 * switched off, as config/test.env sets it). The kernel loads the BUILT plugin.
 */
import { rmSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { startTestKernel, type TestKernel } from "@roa2web/kernel/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ocrRequests } from "./test/ocr-requests.js";
import { scanPdf } from "./test/pdf-files.js";
import { syntheticReceipt } from "./test/synthetic-receipt.js";

const packageRoot = path.resolve(fileURLToPath(new URL("..", import.meta.url)));
const api = "/api/data-entry";
let t: TestKernel;
let token = "";
const headers = () => ({ authorization: `Bearer ${token}` });
const { receiptWithAttachment, startOcr, fromImage, receiptOnceRead } = ocrRequests(
  () => t,
  () => token,
);

beforeAll(async () => {
  t = await startTestKernel({
    plugins: [packageRoot],
    env: {
      DATA_ENTRY_OCR_ENABLED: "true",
      DATA_ENTRY_OCR_WORKERS: "1",
      DATA_ENTRY_OCR_LANGUAGES: "deu",
    },
  });
  const record = t.kernel.plugins.get("data-entry");
  if (record?.state !== "enabled")
    throw new Error(`not started: ${JSON.stringify(record?.failure)}`);
  token = await t.login();
});
afterAll(async () => t?.close());

describe("OCR jobs", () => {
  it("answers 404 ATTACHMENT_BYTES_MISSING for an attachment whose file is gone", async () => {
    const { attachmentId } = await receiptWithAttachment(await syntheticReceipt(), "bon.png", {
      merchant: "X",
    });
    rmSync(path.join(t.dataDir, "plugins", "data-entry", "attachments", `${attachmentId}.png`));
    const started = await startOcr(attachmentId);
    expect(started.statusCode, started.body).toBe(404);
    expect(started.json().error).toMatchObject({
      code: "ATTACHMENT_BYTES_MISSING",
      details: { id: attachmentId },
    });
  });

  it("reads an uploaded receipt in the background and reports progress and fields", async () => {
    const { id: receiptId, attachmentId } = await receiptWithAttachment(
      await syntheticReceipt(),
      "bon.png",
      { currency: "EUR" },
    );

    const started = await startOcr(attachmentId);
    expect(started.statusCode).toBe(202);
    const jobId = started.json().job_id as string;

    let job = { state: "queued" } as Record<string, unknown>;
    const deadline = Date.now() + 30_000;
    while ((job.state === "queued" || job.state === "running") && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      job = (
        await t.inject({ method: "GET", url: `${api}/ocr/${jobId}`, headers: headers() })
      ).json();
      expect(job.progress).toBeGreaterThanOrEqual(0);
    }
    expect(job).toMatchObject({
      job_id: jobId,
      attachment_id: attachmentId,
      receipt_id: receiptId,
      state: "done",
      progress: 1,
      error: null,
      fields: {
        total: 5.59,
        date: "2024-06-12",
        currency: "EUR",
        text: expect.stringMatching(/SUMME/i),
      },
    });

    expect(await t.health("data-entry")).toMatchObject({ status: "up", data: { ocr: "ready" } });
  });

  it("reads a scan saved as PDF with the real pool", async () => {
    const { attachmentId } = await receiptWithAttachment(
      await scanPdf(await syntheticReceipt()),
      "scan.pdf",
      { merchant: "X" },
    );
    const started = await startOcr(attachmentId);
    expect(started.statusCode, started.body).toBe(202);
    const jobId = started.json().job_id as string;
    let job = started.json() as Record<string, unknown>;
    const deadline = Date.now() + 30_000;
    while (job.state !== "done" && job.state !== "failed" && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      job = (
        await t.inject({ method: "GET", url: `${api}/ocr/${jobId}`, headers: headers() })
      ).json();
    }
    expect(job).toMatchObject({
      state: "done",
      source: "pdf_scan",
      fields: { total: 5.59, date: "2024-06-12" },
    });
  });

  it("creates a receipt from a photo that the real pool fills in", async () => {
    const created = await fromImage([
      ["company_id", "1"],
      ["file", await syntheticReceipt(), "bon.png"],
    ]);
    expect(created.statusCode, created.body).toBe(201);
    const receipt = await receiptOnceRead(created.json(), 30_000);
    expect(receipt).toMatchObject({
      ocr_status: "done",
      total: 5.59,
      date: "2024-06-12",
      currency: "EUR",
    });
  });
});
