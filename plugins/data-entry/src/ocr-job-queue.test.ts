// OCR jobs on BullMQ, on a real Redis: a job submitted through one handle runs on
// another's worker, and its progress, fields and failure are seen from the handle that
// only follows it (as a kernel that did not run it); a stopping kernel puts its running
// job back for another to finish; Redis away is a 503, never a hang or a crash.
import { ServiceUnavailableError } from "@roa2web/plugin-sdk";
import { describeWithServers, type RedisServer, startRedis } from "@roa2web/test-servers";
import { afterAll, afterEach, beforeAll, expect, it } from "vitest";
import { OcrTimeoutError } from "./errors.js";
import { PdfReader } from "./ocr/pdf-source.js";
import { RedisOcrJobs, type RedisOcrJobsOptions } from "./ocr-job-queue.js";
import type { ApplyRequest, OcrJob, OcrJobHooks } from "./ocr-jobs.js";
import { ControlledRecognizer } from "./test/fake-ocr.js";

const text = ["BACKEREI MULLER", "SUMME EUR 5,59", "Datum 12.06.2024 14:22"].join("\n");
const about = { attachmentId: null, receiptId: null, companyId: 1, owner: "demo" };
const image = Buffer.from("an image's bytes");
const silent = { info() {}, warn() {}, error() {}, debug() {}, child: () => silent } as never;

let redis: RedisServer;
let prefix = 0;
const opened: RedisOcrJobs[] = [];

describeWithServers(["redis"], "OCR jobs on a BullMQ queue", () => {
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(async () => {
    await redis?.stop();
  });
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((jobs) => jobs.close()));
  });

  /** A kernel's jobs on this test's queue: `work: false` only submits and follows. */
  async function handle(
    options: Partial<RedisOcrJobsOptions> & { recognizer?: ControlledRecognizer } = {},
  ): Promise<RedisOcrJobs> {
    const jobs = new RedisOcrJobs({
      url: redis.url,
      prefix: `test${prefix}`,
      recognizer: new ControlledRecognizer(),
      pdf: new PdfReader(),
      readAttachment: async ({ id, storedName }) => Buffer.from(`attachment ${id} ${storedName}`),
      logger: silent,
      concurrency: 1,
      lockMs: 2000,
      stalledCheckMs: 1000,
      keepJobs: 10,
      keepSeconds: 60,
      ...options,
    });
    opened.push(jobs);
    await jobs.ready();
    return jobs;
  }

  function nextQueue() {
    prefix += 1;
  }

  it("runs a job on another kernel's worker; the follower sees its progress, fields and applied result", async () => {
    nextQueue();
    const recognizer = new ControlledRecognizer();
    const applied: ApplyRequest[] = [];
    const ended: OcrJob[] = [];
    const hooks: OcrJobHooks = {
      apply: async (request, fields) => {
        applied.push(request);
        return { fields: fields.total === null ? [] : ["total"], error: null };
      },
      finished: async (job) => {
        ended.push(job);
      },
    };
    await handle({ recognizer, hooks });
    const follower = await handle({ work: false });
    const apply = { receiptId: 7, by: "ana", overwrite: false };
    const { job, finished, opened: read } = await follower.submit(image, about, { apply });
    expect(await read).toBeNull();
    const seen: string[] = [];
    await follower.subscribe(job.id, (current) => seen.push(`${current.state}:${current.stage}`));
    const recognition = await recognizer.next();
    // The bytes travelled in the job, not through this process.
    expect(recognition.image.equals(image)).toBe(true);
    recognition.progress(0.5);
    await until(async () => (await follower.get(job.id))?.progress === 0.5, "progress 0.5");
    recognition.finish({ text });
    const done = await finished;
    expect(done).toMatchObject({
      id: job.id,
      state: "done",
      progress: 1,
      companyId: 1,
      owner: "demo",
      fields: { total: 5.59, date: "2024-06-12", currency: "EUR" },
      applied: { fields: ["total"], error: null },
      text,
    });
    expect(applied).toEqual([apply]);
    expect(ended.map((job) => job.state)).toEqual(["done"]);
    expect(seen).toContain("running:recognizing");
    expect(seen.at(-1)).toBe("done:done");
    expect(await follower.running(job.id)).toBe(false);
    expect(follower.listenerCount()).toBe(0);
    // What Redis keeps of the finished job: the result, not the image.
    expect(await follower.get(job.id)).toMatchObject({ state: "done", fields: { total: 5.59 } });
  });

  it("ends a job failed with the recognizer's reason, seen from the follower", async () => {
    nextQueue();
    const recognizer = new ControlledRecognizer();
    await handle({ recognizer });
    const follower = await handle({ work: false });
    const { job, finished } = await follower.submit(image, about);
    (await recognizer.next()).fail(new OcrTimeoutError(10));
    const failed = await finished;
    expect(failed.state).toBe("failed");
    expect(failed.error?.code).toBe(new OcrTimeoutError(10).code);
    expect(await follower.get(job.id)).toMatchObject({ state: "failed", stage: "failed" });
  });

  it("reads an attachment by reference on the kernel that runs the job", async () => {
    nextQueue();
    const recognizer = new ControlledRecognizer();
    await handle({ recognizer });
    const follower = await handle({ work: false });
    const { finished } = await follower.submit(
      image,
      { ...about, attachmentId: "a1" },
      { attachment: { id: "a1", storedName: "stored-a1.png" } },
    );
    const recognition = await recognizer.next();
    expect(recognition.image.toString()).toBe("attachment a1 stored-a1.png");
    recognition.finish({ text });
    expect((await finished).state).toBe("done");
  });

  it("fails a job whose attachment its kernel cannot read, and tells the receipt", async () => {
    nextQueue();
    const ended: Array<[string, number | undefined]> = [];
    await handle({
      readAttachment: async () => {
        throw new Error("ENOENT");
      },
      hooks: {
        finished: async (job, request) => {
          ended.push([job.state, request?.receiptId]);
        },
      },
    });
    const follower = await handle({ work: false });
    const { finished } = await follower.submit(
      image,
      { ...about, attachmentId: "gone", receiptId: 9 },
      {
        attachment: { id: "gone", storedName: "gone.png" },
        apply: { receiptId: 9, by: "ana", overwrite: false },
      },
    );
    expect((await finished).error?.code).toBe("DATA_ENTRY_OCR_INPUT_MISSING");
    expect(ended).toEqual([["failed", 9]]);
  });

  it("answers at once that a damaged PDF cannot be read", async () => {
    nextQueue();
    await handle();
    const follower = await handle({ work: false });
    const { opened: read, finished } = await follower.submit(
      Buffer.from("%PDF-1.4\n%%EOF\n"),
      about,
    );
    expect((await read)?.code).toMatch(/^DATA_ENTRY_/);
    expect((await finished).state).toBe("failed");
  });

  it("puts a job back when the kernel running it stops; another kernel reads it from the start", async () => {
    nextQueue();
    const stopping = new ControlledRecognizer();
    const first = await handle({ recognizer: stopping });
    const follower = await handle({ work: false });
    const { job, finished } = await follower.submit(image, about);
    const cut = await stopping.next();
    cut.progress(0.3);
    // The kernel stops: its pool's close fails the recognition running there.
    const closing = first.close();
    cut.fail(new Error("pool closed"));
    await closing;
    const other = new ControlledRecognizer();
    await handle({ recognizer: other });
    const again = await other.next();
    expect(again.image.equals(image)).toBe(true);
    again.finish({ text });
    expect(await finished).toMatchObject({ id: job.id, state: "done", fields: { total: 5.59 } });
  });

  it("answers 503 while Redis is away, and works again once it is back", async () => {
    nextQueue();
    const recognizer = new ControlledRecognizer();
    const jobs = await handle({ recognizer });
    await redis.kill();
    try {
      await expect(jobs.submit(image, about)).rejects.toBeInstanceOf(ServiceUnavailableError);
      await expect(jobs.get("any")).rejects.toBeInstanceOf(ServiceUnavailableError);
    } finally {
      await redis.restart();
    }
    await until(async () => {
      try {
        await jobs.get("any");
        return true;
      } catch {
        return false;
      }
    }, "Redis back");
    const { finished } = await jobs.submit(image, about);
    (await recognizer.next()).finish({ text });
    expect((await finished).state).toBe("done");
  });
});

async function until(check: () => Promise<boolean>, what: string, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
