// A receipt photo uploaded through one kernel is there for all of them (ADR 0031): three
// kernels on one PostgreSQL keep attachments in the data-entry plugin's database by
// default, so another kernel downloads the very same bytes and reads them with OCR; or,
// set so, as files in one folder they all mount. Each kernel is reached directly (its
// own address), never through nginx, so which kernel serves what is certain.
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describeWithServers } from "@roa2web/test-servers";
import { afterAll, beforeAll, expect, it } from "vitest";
import { syntheticReceipt } from "../../../plugins/data-entry/src/test/synthetic-receipt.js";
import { waitFor } from "../../../plugins/telegram/src/fake-bot-api.js";
import { useKernelCluster } from "./helpers/kernel-cluster.js";

const api = "/api/data-entry";

/**
 * Three kernels started with `env`, and what must hold whatever the storage: a photo
 * uploaded through kernel 0 downloads byte-identical through each of them.
 */
function clusterCases(env: Record<string, string>) {
  let photo: Buffer;
  beforeAll(async () => {
    photo = await syntheticReceipt();
  });
  const cluster = useKernelCluster({ env });
  const { kernel } = cluster;
  const authorization = () => ({ authorization: `Bearer ${cluster.token}` });
  const get = (base: string, url: string) => fetch(`${base}${url}`, { headers: authorization() });
  const post = (base: string, url: string, body: unknown) =>
    fetch(`${base}${url}`, {
      method: "POST",
      headers: { ...authorization(), "content-type": "application/json" },
      body: JSON.stringify(body),
    });

  /** Uploads the photo to a new receipt through `base`; returns the ids. */
  async function uploadThrough(base: string) {
    const created = await post(base, `${api}/receipts`, {
      company_id: 1,
      merchant: "Backerei Muller",
      tax_id: "",
      date: "2024-06-12",
      total: 1,
      vat: 0,
      currency: "EUR",
    });
    expect(created.status, await created.clone().text()).toBe(201);
    const receiptId = ((await created.json()) as { id: number }).id;
    const form = new FormData();
    form.append("file", new Blob([photo], { type: "image/png" }), "bon.png");
    const uploaded = await fetch(`${base}${api}/receipts/${receiptId}/attachments`, {
      method: "POST",
      headers: authorization(),
      body: form,
    });
    expect(uploaded.status, await uploaded.clone().text()).toBe(201);
    const attachmentId = ((await uploaded.json()) as { id: string }).id;
    return { receiptId, attachmentId };
  }

  it("downloads through every other kernel the bytes uploaded through kernel 0", async () => {
    const { attachmentId } = await uploadThrough(kernel(0).base);
    for (const index of [1, 2, 0]) {
      const response = await get(kernel(index).base, `${api}/attachments/${attachmentId}`);
      expect(response.status, `kernel ${index}: ${await response.clone().text()}`).toBe(200);
      expect(response.headers.get("content-type")).toBe("image/png");
      expect(response.headers.get("content-length")).toBe(String(photo.length));
      expect(response.headers.get("cache-control")).toBe("private, no-store");
      const bytes = Buffer.from(await response.arrayBuffer());
      expect(bytes.equals(photo), `kernel ${index} sent other bytes`).toBe(true);
    }
  });

  return { uploadThrough, post, get, kernel };
}

describeWithServers(["postgres", "redis", "nginx"], "attachments across three kernels", () => {
  const { uploadThrough, post, get, kernel } = clusterCases({
    // One small OCR worker per kernel: three kernels share this machine's two cores.
    DATA_ENTRY_OCR_ENABLED: "true",
    DATA_ENTRY_OCR_WORKERS: "1",
    DATA_ENTRY_OCR_LANGUAGES: "deu",
  });

  it("reads with OCR, through kernels 1 and 2, a photo uploaded through kernel 0", async () => {
    const { receiptId, attachmentId } = await uploadThrough(kernel(0).base);
    for (const index of [1, 2]) {
      const base = kernel(index).base;
      const started = await post(base, `${api}/ocr`, { attachment_id: attachmentId });
      expect(started.status, `kernel ${index}: ${await started.clone().text()}`).toBe(202);
      const jobId = ((await started.json()) as { job_id: string }).job_id;
      // OCR jobs live in the memory of the kernel that runs them: followed there.
      const job = await waitFor(
        async () => {
          const body = (await (await get(base, `${api}/ocr/${jobId}`)).json()) as {
            state: string;
          };
          return body.state === "done" || body.state === "failed" ? body : undefined;
        },
        `the OCR job on kernel ${index}`,
        120_000,
      );
      expect(job).toMatchObject({
        attachment_id: attachmentId,
        receipt_id: receiptId,
        state: "done",
        error: null,
        fields: { total: 5.59, date: "2024-06-12", currency: "EUR" },
      });
    }
  }, 300_000);
});

describeWithServers(
  ["postgres", "redis", "nginx"],
  "attachments as files in a folder three kernels share",
  () => {
    const shared = mkdtempSync(path.join(os.tmpdir(), "roa2web-shared-attachments-"));
    afterAll(() => rmSync(shared, { recursive: true, force: true }));
    const { uploadThrough, kernel } = clusterCases({
      DATA_ENTRY_OCR_ENABLED: "false",
      DATA_ENTRY_ATTACHMENTS: "files",
      DATA_ENTRY_ATTACHMENTS_DIR: shared,
    });

    it("keeps the photo uploaded through kernel 0 in the shared folder", async () => {
      const { attachmentId } = await uploadThrough(kernel(0).base);
      expect(readdirSync(shared)).toContain(`${attachmentId}.png`);
    });
  },
);
