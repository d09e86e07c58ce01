/**
 * A receipt page following an OCR reading while the data-entry plugin reloads (as during
 * a hand-over to a new kernel process, ADR 0026): the stream ends with a reconnect event,
 * the page opens it again, finds the job gone with the old instance, waits for the new
 * instance to take the receipt up (its claim released at the old one's stop) and shows
 * the fields read — never an error. Real tesseract.js (German data) on a synthetic
 * receipt, so it runs without the scans in ../shared.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { multipartForm } from "../../../plugins/data-entry/src/test/multipart-form.js";
import { syntheticReceipt } from "../../../plugins/data-entry/src/test/synthetic-receipt.js";
import { newReceiptFromPhoto, openDataEntry, startOcrBrowserEnv } from "./data-entry-helpers.js";
import { type BrowserEnv, describeBrowser, signIn } from "./harness.js";

let env: BrowserEnv | undefined;
const folder = mkdtempSync(path.join(os.tmpdir(), "roa2web-reconnect-"));

describeBrowser("data-entry UI across a reload of the plugin", () => {
  beforeAll(async () => {
    env = await startOcrBrowserEnv();
  }, 120_000);

  afterAll(async () => {
    await env?.close();
    rmSync(folder, { recursive: true, force: true });
  });

  it("keeps following a receipt's reading when the plugin reloads mid-way, without an error", async () => {
    if (!env) throw new Error("no browser environment");
    const image = await syntheticReceipt();
    const file = path.join(folder, "bon.png");
    writeFileSync(file, image);
    const token = await env.kernel.login();
    // Another reading first, so the receipt's own job is still waiting when the reload comes.
    const form = multipartForm([["file", image, "bon.png", "image/png"]]);
    const before = await env.kernel.inject({
      method: "POST",
      url: "/api/data-entry/ocr",
      token,
      headers: form.headers,
      payload: form.payload,
    });
    expect(before.statusCode, before.body).toBe(202);

    const page = await env.newPage();
    const streams: string[] = [];
    page.on("request", (request) => {
      if (request.url().endsWith("/events")) streams.push(request.url());
    });
    await signIn(page);
    await openDataEntry(page);
    await newReceiptFromPhoto(page, file);
    await page.getByRole("progressbar", { name: "Progresul citirii" }).waitFor();
    const firstJob = streams.at(-1);

    const reload = await env.kernel.inject({
      method: "POST",
      url: "/api/kernel/plugins/data-entry/reload",
      token,
    });
    expect(reload.statusCode, reload.body).toBe(200);

    // The new instance reads the receipt again; the page follows that job to its end.
    await page
      .getByRole("heading", { name: "Câmpuri citite de pe bon" })
      .waitFor({ timeout: 90_000 });
    expect(await page.getByLabel("Total", { exact: true }).inputValue()).toBe("5,59");
    expect(await page.getByText(/Citirea nu a reușit/).count()).toBe(0);
    // It did reconnect: the first job's stream was opened again, then the new job's.
    expect(streams.filter((url) => url === firstJob).length).toBeGreaterThanOrEqual(2);
    expect(streams.at(-1)).not.toBe(firstJob);
  }, 180_000);
});
