/**
 * Opens the `erp` service chosen by configuration: Oracle when ORACLE_* is set,
 * otherwise the embedded demo ERP, generated on first start.
 */
import { existsSync, mkdirSync, renameSync, rmSync } from "node:fs";
import path from "node:path";
import type { ErpClient, HealthStatus } from "@roa2web/plugin-sdk";
import Database from "better-sqlite3";
import type { KernelSettings } from "../config/settings.js";
import type { KernelLogger } from "../logging/create-logger.js";
import { DEMO_ERP_BOOKS_VERSION, generateDemoErp } from "./demo/generate.js";
import { DEMO_ERP_SCHEMA_VERSION } from "./demo/schema.js";
import { type OracleDriver, OracleErpClient } from "./oracle-erp.js";
import { SqliteErpClient } from "./sqlite-erp.js";

/** The kernel's handle: the client plugins see, plus what only the kernel uses. */
export interface ErpService {
  client: ErpClient;
  health(): Promise<HealthStatus> | HealthStatus;
  /** Present on Oracle: the ERP's own credential check. */
  verifyCredentials?(username: string, password: string): Promise<boolean>;
  close(): Promise<void> | void;
}

export async function createErp(
  settings: KernelSettings,
  logger: KernelLogger,
): Promise<ErpService> {
  const erpLogger = logger.child({ module: "erp" });
  const oracleSettings = settings.erp.oracle;
  if (settings.erp.kind === "oracle" && oracleSettings) {
    const driver = (await import("oracledb")).default as unknown as OracleDriver;
    const client = new OracleErpClient(driver, oracleSettings, erpLogger);
    await client.open();
    return {
      client,
      health: () => client.health(settings.erp.healthTimeoutMs),
      verifyCredentials: (username, password) => client.verifyCredentials(username, password),
      close: () => client.close(),
    };
  }
  ensureDemoErp(
    settings.erp.demoFile,
    { seed: settings.erp.demoSeed, scale: settings.erp.demoScale },
    erpLogger,
  );
  const client = new SqliteErpClient(settings.erp.demoFile);
  return { client, health: () => client.health(), close: () => client.close() };
}

/**
 * Generates the demo ERP unless a file of the current schema version exists. Writes
 * to a temporary file and renames it, so a crash never leaves a half-made ERP.
 */
export function ensureDemoErp(
  file: string,
  options: { seed: number; scale: number; endDate?: string },
  logger: Pick<KernelLogger, "info" | "warn">,
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
