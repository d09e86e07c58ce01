// Data-entry's attachment storages (ADR 0031) with a 20 MiB upload, the largest the
// default DATA_ENTRY_MAX_UPLOAD_BYTES lets in: received and verified (a PDF, whose check
// reads only its head and trailer, so the storage is what is measured), recorded with
// its row in one transaction, streamed back whole, and deleted with its receipt. As
// files on SQLite (the embedded default), as 256 KiB chunks in SQLite, and, where
// PostgreSQL is installed, as chunks in the plugin's PostgreSQL schema (the default
// there). Run on demand:
//   npx -y pnpm@10.34.9 exec vitest bench --run bench/attachment-storage.bench.ts
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { afterAll, bench, describe } from "vitest";
import { openPluginDatabase, type PluginDatabaseWhere } from "../kernel/core/src/testing/index.js";
import {
  type PostgresServer,
  serverAvailable,
  startPostgres,
} from "../kernel/test-servers/src/index.js";
import { DatabaseAttachmentStorage } from "../plugins/data-entry/src/attachment-database-storage.js";
import { FileAttachmentStorage } from "../plugins/data-entry/src/attachment-file-storage.js";
import {
  type AttachmentStorage,
  storeUpload,
} from "../plugins/data-entry/src/attachment-storage.js";
import { ENTITIES } from "../plugins/data-entry/src/entities.js";
import { MIGRATIONS } from "../plugins/data-entry/src/migrations/index.js";
import { ReceiptsStore } from "../plugins/data-entry/src/receipts-store.js";

const MIB = 1024 * 1024;

/** A 20 MiB PDF: a header, one stream of random bytes, a cross-reference table, a trailer. */
function largePdf(): Buffer {
  const head = Buffer.from("%PDF-1.4\n1 0 obj\n<< /Length 0 >>\nstream\n", "latin1");
  const tailFor = (xref: number) =>
    Buffer.from(
      `\nendstream\nendobj\nxref\n0 1\n0000000000 65535 f \ntrailer\n<< /Size 1 >>\nstartxref\n${xref}\n%%EOF\n`,
      "latin1",
    );
  const body = randomBytes(20 * MIB - head.length - tailFor(0).length - 8);
  const xref = head.length + body.length + "\nendstream\nendobj\n".length;
  return Buffer.concat([head, body, tailFor(xref)]);
}

const PDF = largePdf();
const folders: string[] = [];
let postgres: PostgresServer | undefined;
afterAll(async () => {
  await postgres?.stop();
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
});

const fields = {
  merchant: "OMV Petrom",
  taxId: "RO1590082",
  date: "2026-01-15",
  total: 121.5,
  vat: 21.09,
  currency: "RON",
  notes: null,
};

async function setUp(kind: "files" | "database", where: PluginDatabaseWhere) {
  const { dataSource } = await openPluginDatabase({
    ...where,
    entities: ENTITIES,
    migrations: MIGRATIONS,
  });
  const folder = mkdtempSync(path.join(os.tmpdir(), "roa2web-bench-attachments-"));
  folders.push(folder);
  const storage: AttachmentStorage =
    kind === "database"
      ? new DatabaseAttachmentStorage(dataSource, folder)
      : new FileAttachmentStorage(folder);
  return { store: new ReceiptsStore(dataSource), storage };
}

/** One upload, its download and its deletion, as the routes do them. */
async function roundTrip({ store, storage }: Awaited<ReturnType<typeof setUp>>): Promise<void> {
  const receipt = await store.create(1, fields, "clerk");
  const attachment = await storeUpload(
    storage,
    Readable.from([PDF.subarray(0, 10 * MIB), PDF.subarray(10 * MIB)]),
    21 * MIB,
    async (stored, keep) => {
      const row = {
        ...stored,
        receiptId: receipt.id,
        displayName: "scan.pdf",
        createdAt: new Date(),
      };
      await store.addAttachment(receipt, row, 20, keep);
      return row;
    },
  );
  let size = 0;
  for await (const chunk of await storage.open(attachment)) size += (chunk as Buffer).length;
  if (size !== PDF.length) throw new Error(`read back ${size} bytes of ${PDF.length}`);
  for (const file of await store.remove(receipt)) await storage.remove(file);
}

const sqliteFile = () => {
  const folder = mkdtempSync(path.join(os.tmpdir(), "roa2web-bench-attachments-db-"));
  folders.push(folder);
  return { file: path.join(folder, "data-entry.db") };
};
const onFiles = await setUp("files", sqliteFile());
const inSqlite = await setUp("database", sqliteFile());
let inPostgres: Awaited<ReturnType<typeof setUp>> | undefined;
if (serverAvailable("postgres")) {
  postgres = await startPostgres();
  inPostgres = await setUp("database", {
    postgres: { url: await postgres.createDatabase(), plugin: "data-entry" },
  });
}

describe("a 20 MiB attachment: upload, download, delete", () => {
  bench("files (SQLite rows)", () => roundTrip(onFiles), { iterations: 10, warmupIterations: 1 });
  bench("chunks in SQLite", () => roundTrip(inSqlite), { iterations: 10, warmupIterations: 1 });
  if (inPostgres) {
    const target = inPostgres;
    bench("chunks in PostgreSQL", () => roundTrip(target), { iterations: 10, warmupIterations: 1 });
  }
});
