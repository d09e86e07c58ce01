// OCR jobs outlive the kernel that accepted them and the kernel that ran them (#18, ADR
// 0032): three kernels on one PostgreSQL and one Redis, the jobs on a BullMQ queue. A
// receipt made from a photo on one kernel is filled by whichever kernel reads it (the
// photo from the shared attachment storage, ADR 0031). A photo posted to one kernel is
// answered for by another at once; the kernels that
// accepted and ran the job are killed mid-job (each recognition is held for a few
// seconds by a setting that exists for tests); a surviving kernel takes the job up once
// its lock lapses, reads it with the real OCR pool and streams its end with the fields.
import { describeWithServers } from "@roa2web/test-servers";
import { expect, it } from "vitest";
import { syntheticReceipt } from "../../../plugins/data-entry/src/test/synthetic-receipt.js";
import { useKernelCluster } from "./helpers/kernel-cluster.js";
import type { LogLine } from "./helpers/server-process.js";

describeWithServers(["postgres", "redis", "nginx"], "OCR jobs across three kernels", () => {
  const cluster = useKernelCluster({
    env: {
      DATA_ENTRY_OCR_WORKERS: "1",
      DATA_ENTRY_OCR_LANGUAGES: "deu,eng",
      // Every recognition starts, says so, and waits 4 s: time to see where it runs
      // and kill that kernel while the job is its.
      DATA_ENTRY_OCR_TEST_DELAY_MS: "4000",
      // A dead kernel's job is taken up within about 3 + 1 s.
      DATA_ENTRY_OCR_LOCK_MS: "3000",
      DATA_ENTRY_OCR_STALLED_CHECK_MS: "1000",
    },
  });
  const { kernel } = cluster;
  const get = (base: string, url: string) =>
    fetch(`${base}${url}`, { headers: { authorization: `Bearer ${cluster.token}` } });
  const runs = (jobId: string) => (line: LogLine) =>
    line.msg === "OCR job running on this kernel" && line.jobId === jobId;

  it("fills a receipt made from a photo on one kernel, whichever kernel reads it; the job is answered for by all", async () => {
    const form = new FormData();
    form.append("company_id", "1");
    form.append("file", new Blob([await syntheticReceipt()], { type: "image/png" }), "bon.png");
    const created = await fetch(`${kernel(0).base}/api/data-entry/receipts/from-image`, {
      method: "POST",
      headers: { authorization: `Bearer ${cluster.token}` },
      body: form,
    });
    expect(created.status, await created.clone().text()).toBe(201);
    const { id, ocr_job_id: jobId } = (await created.json()) as { id: number; ocr_job_id: string };
    // The job carries the attachment's reference; the kernel running it reads the photo
    // from the shared storage (PostgreSQL) and writes the fields through the database.
    const runner = await Promise.any(
      [0, 1, 2].map((index) =>
        kernel(index)
          .waitForLine(runs(jobId), 60_000)
          .then(() => index),
      ),
    );
    const reader = kernel((runner + 1) % 3);
    let receipt: Record<string, unknown> = {};
    const deadline = Date.now() + 90_000;
    do {
      await new Promise((resolve) => setTimeout(resolve, 200));
      receipt = (await (await get(reader.base, `/api/data-entry/receipts/${id}`)).json()) as Record<
        string,
        unknown
      >;
    } while (receipt.ocr_status === "pending" && Date.now() < deadline);
    expect(receipt).toMatchObject({ ocr_status: "done", total: 5.59, date: "2024-06-12" });
    for (const index of [0, 1, 2]) {
      const job = await get(kernel(index).base, `/api/data-entry/ocr/${jobId}`);
      expect(await job.json()).toMatchObject({ state: "done", receipt_id: id });
    }
  }, 180_000);

  it("finishes a job on another kernel after the kernels that accepted and ran it are killed, streaming its end there", async () => {
    const form = new FormData();
    form.append("company_id", "1");
    form.append("file", new Blob([await syntheticReceipt()], { type: "image/png" }), "bon.png");
    const started = await fetch(`${kernel(0).base}/api/data-entry/ocr`, {
      method: "POST",
      headers: { authorization: `Bearer ${cluster.token}` },
      body: form,
    });
    expect(started.status, await started.clone().text()).toBe(202);
    const { job_id: jobId } = (await started.json()) as { job_id: string };

    // Any kernel answers for it at once (before: only the one holding it in memory).
    const elsewhere = await get(kernel(1).base, `/api/data-entry/ocr/${jobId}`);
    expect(elsewhere.status).toBe(200);
    expect(await elsewhere.json()).toMatchObject({ job_id: jobId, fields: null });

    // Where it runs (it reports progress, then is held there).
    const runner = await Promise.any(
      [0, 1, 2].map((index) =>
        kernel(index)
          .waitForLine(runs(jobId), 60_000)
          .then(() => index),
      ),
    );
    const doomed = new Set([0, runner]);
    const survivors = [0, 1, 2].filter((index) => !doomed.has(index));
    const follower = kernel(survivors[0] ?? -1);

    // Followed from a kernel that neither accepted nor runs it.
    const stream = await fetch(`${follower.base}/api/data-entry/ocr/${jobId}/events`, {
      headers: { authorization: `Bearer ${cluster.token}`, accept: "text/event-stream" },
    });
    expect(stream.status).toBe(200);
    const reader = (stream.body as ReadableStream<Uint8Array>).getReader();
    const decoder = new TextDecoder();
    let text = "";
    while (!text.includes("\n\n")) {
      const { value } = await reader.read();
      text += decoder.decode(value, { stream: true });
    }
    expect(text).toContain("event: progress");

    // Both die mid-job, as lost machines.
    for (const index of doomed) await cluster.kill(index);

    // A survivor takes it up once the lock lapses, and reads it from the start.
    const taker = await Promise.any(
      survivors.map((index) =>
        kernel(index)
          .waitForLine(runs(jobId), 60_000)
          .then(() => index),
      ),
    );
    expect(doomed.has(taker)).toBe(false);

    // The stream opened before the kills tells the end, with the fields.
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
    }
    expect(text).toContain("event: done");
    expect(text).not.toContain("event: failed");
    const finished = await get(follower.base, `/api/data-entry/ocr/${jobId}`);
    expect(finished.status).toBe(200);
    const view = (await finished.json()) as {
      state: string;
      fields: { total: number | null; date: string | null } | null;
    };
    expect(view.state).toBe("done");
    expect(view.fields).toMatchObject({ total: 5.59, date: "2024-06-12" });
  }, 240_000);
});
