import { mkdtempSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { ensureDemoErp } from "./ensure-demo-erp.js";
import { DEMO_ERP_BOOKS_VERSION } from "./generator/generate.js";

const quiet = { info: () => undefined, warn: () => undefined };

function endDateOf(file: string): string {
  const db = new Database(file, { readonly: true });
  const row = db.prepare("SELECT value FROM meta WHERE key = 'end_date'").get() as {
    value: string;
  };
  db.close();
  return row.value;
}

describe("ensureDemoErp", () => {
  it("generates once, keeps the file within the month, renews it in a later month", () => {
    const file = path.join(
      mkdtempSync(path.join(os.tmpdir(), "roa2web-erp-")),
      "erp",
      "demo-erp.db",
    );
    ensureDemoErp(file, { seed: 7, scale: 1, endDate: "2026-03-10" }, quiet);
    const first = statSync(file).mtimeMs;
    expect(endDateOf(file)).toBe("2026-03-10");
    ensureDemoErp(file, { seed: 7, scale: 1, endDate: "2026-03-28" }, quiet);
    expect(statSync(file).mtimeMs).toBe(first);
    ensureDemoErp(file, { seed: 7, scale: 1, endDate: "2026-04-02" }, quiet);
    expect(endDateOf(file)).toBe("2026-04-02");
  });

  it("regenerates when the seed changes, and never leaves a temporary file behind", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "roa2web-erp-"));
    const file = path.join(dir, "demo-erp.db");
    ensureDemoErp(file, { seed: 1, scale: 1, endDate: "2026-03-10" }, quiet);
    ensureDemoErp(file, { seed: 2, scale: 1, endDate: "2026-03-10" }, quiet);
    const db = new Database(file, { readonly: true });
    expect(
      (db.prepare("SELECT value FROM meta WHERE key = 'seed'").get() as { value: string }).value,
    ).toBe("2");
    db.close();
    const { readdirSync } = await import("node:fs");
    expect(readdirSync(dir)).toEqual(["demo-erp.db"]);
  });

  it("regenerates a file written by an earlier generator (no or an older books version)", () => {
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), "roa2web-erp-")), "demo-erp.db");
    ensureDemoErp(file, { seed: 7, scale: 1, endDate: "2026-03-10" }, quiet);
    // What a ./data folder from before the year-end closing holds: same schema, no stamp.
    const old = new Database(file);
    old.prepare("DELETE FROM meta WHERE key = 'books_version'").run();
    old.prepare("DELETE FROM ledger_entries WHERE document_type = 'CLOSING'").run();
    old.close();
    ensureDemoErp(file, { seed: 7, scale: 1, endDate: "2026-03-10" }, quiet);
    const db = new Database(file, { readonly: true });
    const stamp = db.prepare("SELECT value FROM meta WHERE key = 'books_version'").get() as
      | { value: string }
      | undefined;
    const closings = db
      .prepare("SELECT COUNT(*) AS n FROM ledger_entries WHERE document_type = 'CLOSING'")
      .get() as { n: number };
    db.close();
    expect(stamp?.value).toBe(String(DEMO_ERP_BOOKS_VERSION));
    expect(closings.n).toBeGreaterThan(0);
  });
});
