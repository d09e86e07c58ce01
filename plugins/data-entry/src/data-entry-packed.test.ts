/**
 * data-entry as an outside server gets it: packed with `roa2web plugin pack` (sharp
 * shipped as declared native code, the OCR packages shipped as installed, pdfjs's
 * optional canvas left out), uploaded to a running kernel through the admin API, and
 * serving from the folder the package unpacked to: a receipt created and listed.
 * One pack for the file (it copies ~780 files: about 25 s on a shared 2-core machine).
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { startTestKernel, type TestKernel } from "@roa2web/kernel/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const packageRoot = path.resolve(fileURLToPath(new URL("..", import.meta.url)));
/** The kernel's CLI from this plugin's devDependencies, as an author runs `roa2web plugin pack`. */
const ROA2WEB = path.join(packageRoot, "node_modules", "@roa2web", "kernel", "dist", "main.js");

const out = mkdtempSync(path.join(os.tmpdir(), "data-entry-packed-"));
let t: TestKernel;
let token = "";
let packageFile = "";

beforeAll(async () => {
  packageFile = execFileSync(
    process.execPath,
    [ROA2WEB, "plugin", "pack", packageRoot, "--out", out],
    {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"],
    },
  ).trim();
  t = await startTestKernel({
    listen: true,
    env: {
      DATA_ENTRY_OCR_ENABLED: "false",
      // The package carries tesseract's and pdfjs's files: about 67 MB.
      PLUGIN_PACKAGE_MAX_BYTES: String(200 * 1024 * 1024),
    },
  });
  token = await t.login();
}, 120_000);
afterAll(async () => {
  await t?.close();
  rmSync(out, { recursive: true, force: true });
});

describe("data-entry, packed and installed at run time", () => {
  it("installs from its package and serves a receipt round trip", { timeout: 60_000 }, async () => {
    const form = new FormData();
    form.append("file", new Blob([readFileSync(packageFile)]), path.basename(packageFile));
    const installed = await fetch(`${t.url}/api/kernel/plugins/packages`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}` },
      body: form,
    });
    const answer = (await installed.json()) as Record<string, unknown>;
    expect(installed.status, JSON.stringify(answer)).toBe(200);
    expect(answer).toMatchObject({ name: "data-entry", kind: "install" });
    expect(t.plugin("data-entry")).toMatchObject({ state: "enabled", source: "package" });
    // Its code runs from the unpacked package, sharp's addon included (imported at start).
    expect(t.plugin("data-entry").root).toContain("plugin-packages");

    const receipt = {
      company_id: 1,
      merchant: "OMV Petrom",
      tax_id: "RO1590082",
      date: new Date().toISOString().slice(0, 10),
      total: 121,
      vat: 21,
      currency: "RON",
    };
    const created = await t.inject({
      method: "POST",
      url: "/api/data-entry/receipts",
      token,
      payload: receipt,
    });
    expect(created.statusCode).toBe(201);
    const { id } = created.json() as { id: string };
    const listed = await t.inject({
      method: "GET",
      url: "/api/data-entry/receipts?company=1",
      token,
    });
    expect(listed.statusCode).toBe(200);
    const items = (
      listed.json() as { items: Array<{ id: string; merchant: string; status: string }> }
    ).items;
    expect(items.find((item) => item.id === id)).toMatchObject({
      merchant: "OMV Petrom",
      status: "DRAFT",
    });
  });
});
