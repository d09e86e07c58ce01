/**
 * An install whose attachments are files (as `roa2web db copy-to-postgres` leaves one)
 * started on PostgreSQL with the database storage: the plugin moves them into the
 * database by itself, in the background, and an attachment whose file is nowhere
 * answers 404 ATTACHMENT_BYTES_MISSING, not 500. Real kernels on a real PostgreSQL;
 * the kernel loads the BUILT plugin.
 */
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { startTestKernel, type TestKernel } from "@roa2web/kernel/testing";
import { describeWithServers } from "@roa2web/test-servers";
import { afterAll, beforeAll, expect, it } from "vitest";
import { multipartForm } from "./test/multipart-form.js";
import { PHOTO, SMALL, usePostgres } from "./test/postgres-storage.js";
import { runningState } from "./test/running-state.js";

const packageRoot = path.resolve(fileURLToPath(new URL("..", import.meta.url)));
const api = "/api/data-entry";

describeWithServers(["postgres"], "attachments of a copied install, on PostgreSQL", () => {
  const postgres = usePostgres();
  let folder = "";
  const kernels: TestKernel[] = [];
  beforeAll(() => {
    folder = mkdtempSync(path.join(os.tmpdir(), "data-entry-adopt-"));
  });
  afterAll(async () => {
    for (const kernel of kernels) await kernel.close();
    rmSync(folder, { recursive: true, force: true });
  });

  async function start(url: string, env: Record<string, string>, logLines?: object[]) {
    const kernel = await startTestKernel({
      plugins: [packageRoot],
      env: {
        DATABASE_URL: url,
        DATA_ENTRY_OCR_ENABLED: "false",
        DATA_ENTRY_ATTACHMENTS_DIR: folder,
        ...env,
      },
      ...(logLines ? { logLines } : {}),
    });
    kernels.push(kernel);
    return kernel;
  }

  it("moves the files into the database at start; a file that is nowhere answers 404 JSON", {
    timeout: 120_000,
  }, async () => {
    const url = await postgres.createDatabase();
    // The install as it was copied: attachments as files in the folder.
    const before = await start(url, { DATA_ENTRY_ATTACHMENTS: "files" });
    const token = await before.login();
    const created = await before.inject({
      method: "POST",
      url: `${api}/receipts`,
      token,
      payload: {
        company_id: 1,
        merchant: "OMV Petrom",
        tax_id: "RO1590082",
        date: "2026-01-15",
        total: 121.5,
        vat: 21.09,
        currency: "RON",
      },
    });
    expect(created.statusCode, created.body).toBe(201);
    const uploadFile = async (bytes: Buffer, name: string) => {
      const form = multipartForm([["file", bytes, name]]);
      const response = await before.inject({
        method: "POST",
        url: `${api}/receipts/${created.json().id}/attachments`,
        token,
        headers: form.headers,
        payload: form.payload,
      });
      expect(response.statusCode, response.body).toBe(201);
      return response.json() as { id: string };
    };
    const photo = await uploadFile(PHOTO, "bon.jpg");
    const png = await uploadFile(SMALL, "bon.png");
    const lost = await uploadFile(SMALL, "pierdut.png");
    await before.close();
    kernels.splice(kernels.indexOf(before), 1);
    rmSync(path.join(folder, `${lost.id}.png`));

    // The same install started with the default storage on PostgreSQL: the database.
    const lines: Array<Record<string, unknown>> = [];
    const after = await start(url, {}, lines);
    const state = runningState(after.kernel);
    expect(state.storage.kind).toBe("database");
    await state.adoption;
    const done = lines.filter((line) => String(line.msg).startsWith("Attachments moved"));
    expect(done).toEqual([expect.objectContaining({ moved: 2, missing: 1, mismatched: 0 })]);

    // Nothing is read from the folder any more.
    rmSync(folder, { recursive: true });
    const token2 = await after.login();
    const download = (id: string) =>
      after.inject({ method: "GET", url: `${api}/attachments/${id}`, token: token2 });
    expect((await download(photo.id)).rawPayload.equals(PHOTO)).toBe(true);
    expect((await download(png.id)).rawPayload.equals(SMALL)).toBe(true);
    for (let i = 0; i < 2; i += 1) {
      const missing = await download(lost.id);
      expect(missing.statusCode).toBe(404);
      expect(missing.json().error).toMatchObject({
        code: "ATTACHMENT_BYTES_MISSING",
        details: { id: lost.id },
      });
    }
    // Named once in the log, however often it is asked for.
    expect(lines.filter((line) => line.attachmentId === lost.id)).toHaveLength(1);
  });
});
