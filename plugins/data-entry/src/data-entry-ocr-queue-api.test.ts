/**
 * OCR through the API when the kernel has Redis (ADR 0032): the jobs go on the BullMQ
 * queue there, a receipt made from a photo is filled by the job (its `apply` runs where
 * the job runs), the job is in Redis for any other kernel to read, and while Redis is
 * away a new job answers 503. A real one-worker pool; the kernel loads the BUILT plugin.
 */
import path from "node:path";
import { fileURLToPath } from "node:url";
import { startTestKernel, type TestKernel } from "@roa2web/kernel/testing";
import { describeWithServers, type RedisServer, startRedis } from "@roa2web/test-servers";
import { afterAll, beforeAll, expect, it } from "vitest";
import { PdfReader } from "./ocr/pdf-source.js";
import { RedisOcrJobs } from "./ocr-job-queue.js";
import { fixedRecognizer } from "./test/fake-ocr.js";
import { ocrRequests } from "./test/ocr-requests.js";
import { syntheticReceipt } from "./test/synthetic-receipt.js";

const packageRoot = path.resolve(fileURLToPath(new URL("..", import.meta.url)));
const silent = { info() {}, warn() {}, error() {}, debug() {}, child: () => silent } as never;
let t: TestKernel;
let redis: RedisServer;
let token = "";
const { fromImage, postOcr, receiptOnceRead } = ocrRequests(
  () => t,
  () => token,
);

describeWithServers(["redis"], "OCR jobs through the API on Redis", () => {
  beforeAll(async () => {
    redis = await startRedis();
    t = await startTestKernel({
      plugins: [packageRoot],
      env: {
        REDIS_URL: redis.url,
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
  afterAll(async () => {
    await t?.close();
    await redis?.stop();
  });

  it("fills a receipt made from a photo through the queue, and keeps the job in Redis for any kernel", async () => {
    expect(await t.health("data-entry")).toMatchObject({ data: { ocr_jobs: "redis" } });
    const created = await fromImage([
      ["company_id", "1"],
      ["file", await syntheticReceipt(), "bon.png"],
    ]);
    expect(created.statusCode, created.body).toBe(201);
    const id = created.json().id as number;
    const jobId = created.json().ocr_job_id as string;
    const receipt = await receiptOnceRead(created.json(), 60_000);
    expect(receipt).toMatchObject({ ocr_status: "done", total: 5.59, date: "2024-06-12" });

    // Another kernel's handle on the same queue reads the job: it is in Redis.
    const other = new RedisOcrJobs({
      url: redis.url,
      prefix: "roa2web:data-entry",
      recognizer: fixedRecognizer(""),
      pdf: new PdfReader(),
      readAttachment: async () => Buffer.alloc(0),
      logger: silent,
      concurrency: 1,
      lockMs: 10_000,
      stalledCheckMs: 5000,
      keepJobs: 10,
      keepSeconds: 60,
      work: false,
    });
    try {
      await other.ready();
      expect(await other.get(jobId)).toMatchObject({
        id: jobId,
        receiptId: id,
        companyId: 1,
        state: "done",
        fields: { total: 5.59 },
        applied: { fields: expect.arrayContaining(["total", "date"]), error: null },
      });
    } finally {
      await other.close();
    }
  });

  it("answers 503 for a new job while Redis is away; a receipt made from a photo is kept, its OCR failed", async () => {
    await redis.kill();
    try {
      const created = await fromImage([
        ["company_id", "1"],
        ["file", await syntheticReceipt(), "bon.png"],
      ]);
      expect(created.statusCode, created.body).toBe(201);
      expect(created.json()).toMatchObject({ ocr_status: "failed", attachments: [{}] });
      const response = await postOcr([["file", await syntheticReceipt(), "bon.png"]]);
      expect(response.statusCode, response.body).toBe(503);
      expect(response.json().error.message).toMatch(/Redis.*Redis/);
    } finally {
      await redis.restart();
    }
  });
});
