/**
 * Keeps the demo ERP file current: generated on first start, and again when the
 * generator, the seed or the scale changed or the books end in an earlier month.
 */
import { existsSync, mkdirSync, renameSync, rmSync } from "node:fs";
import path from "node:path";
import type { Logger } from "@roa2web/plugin-sdk";
import Database from "better-sqlite3";
import { DEMO_ERP_BOOKS_VERSION, generateDemoErp } from "./generator/generate.js";
import { DEMO_ERP_SCHEMA_VERSION } from "./generator/schema.js";

/**
 * Generates the demo ERP unless a file of the current schema version exists. Writes
 * to a temporary file and renames it, so a crash never leaves a half-made ERP.
 */
export function ensureDemoErp(
  file: string,
  options: { seed: number; scale: number; endDate?: string },
  logger: Pick<Logger, "info" | "warn">,
): void {
  const stale = staleReason(file, options);
  if (!stale) return;
  logger.info({ file, reason: stale }, "Generating the demo ERP");
  mkdirSync(path.dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  rmSync(temporary, { force: true });
  const started = performance.now();
  const db = new Database(temporary);
  try {
    db.pragma("journal_mode = OFF");
    db.pragma("synchronous = OFF");
    const summary = generateDemoErp(db, options);
    db.pragma("journal_mode = DELETE");
    db.exec("ANALYZE");
    db.close();
    renameSync(temporary, file);
    logger.info(
      {
        file,
        seed: options.seed,
        scale: options.scale,
        summary,
        ms: Math.round(performance.now() - started),
      },
      "Generated the demo ERP",
    );
  } catch (error) {
    if (db.open) db.close();
    rmSync(temporary, { force: true });
    throw error;
  }
}

/**
 * Why the demo ERP must be (re)generated, or undefined when the file is current.
 * The books end "today": a file generated in an earlier month would show every
 * invoice as long overdue and no open period, so it is renewed once a month.
 */
function staleReason(
  file: string,
  options: { seed: number; scale: number; endDate?: string },
): string | undefined {
  if (!existsSync(file)) return "no demo ERP yet";
  let meta: Record<string, string>;
  try {
    const db = new Database(file, { readonly: true, fileMustExist: true });
    try {
      const rows = db.prepare("SELECT key, value FROM meta").all() as Array<{
        key: string;
        value: string;
      }>;
      meta = Object.fromEntries(rows.map((row) => [row.key, String(row.value)]));
    } finally {
      db.close();
    }
  } catch {
    return "the file cannot be read as a demo ERP";
  }
  if (Number(meta.schema_version) !== DEMO_ERP_SCHEMA_VERSION) return "schema version changed";
  if (Number(meta.books_version) !== DEMO_ERP_BOOKS_VERSION)
    return "the generator books differently now";
  if (Number(meta.seed) !== options.seed || Number(meta.scale) !== options.scale)
    return "seed or scale changed";
  const wantedEnd = options.endDate ?? new Date().toISOString().slice(0, 10);
  if ((meta.end_date ?? "").slice(0, 7) !== wantedEnd.slice(0, 7))
    return `books end in ${meta.end_date}, a previous month`;
  return undefined;
}
