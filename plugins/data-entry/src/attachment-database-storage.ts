/**
 * Attachments in the plugin's own database (ADR 0031): every kernel on one PostgreSQL
 * reaches every attachment, and pg_dump backs them up with their receipts. The bytes
 * are rows of `attachment_chunks`, 256 KiB each, written in the transaction that inserts
 * the attachment's row: both are there, or neither. The chunks go with the row (ON
 * DELETE CASCADE), so there is never an orphan to sweep.
 *
 * Chunks rather than one `bytea` per file: a download streams chunk by chunk and an
 * upload is copied in chunk by chunk, so neither holds a 20 MB file (40 MB as the hex
 * text PostgreSQL's protocol carries) in memory; PostgreSQL keeps each chunk in TOAST.
 *
 * An attachment stored as a file before this storage was chosen (an install switched
 * from files) is still read from the folder.
 */
import { open, rm } from "node:fs/promises";
import { Readable } from "node:stream";
import { runSql } from "@roa2web/plugin-sdk";
import type { DataSource } from "typeorm";
import { FileAttachmentStorage } from "./attachment-file-storage.js";
import {
  type AttachmentRef,
  type AttachmentStorage,
  type ReceivedAttachment,
  type SweepResult,
  stageUpload,
  sweepFolder,
  type UploadStream,
} from "./attachment-storage.js";

/** The size of one chunk row. */
export const CHUNK_BYTES = 256 * 1024;

const INSERT_CHUNK = `INSERT INTO "attachment_chunks" ("attachment_id", "part", "bytes") VALUES (?, ?, ?)`;
const SELECT_CHUNK = `SELECT "bytes" FROM "attachment_chunks" WHERE "attachment_id" = ? AND "part" = ?`;
const SELECT_CHUNKS = `SELECT "bytes" FROM "attachment_chunks" WHERE "attachment_id" = ? ORDER BY "part"`;

export class DatabaseAttachmentStorage implements AttachmentStorage {
  readonly kind = "database";
  /** Attachments stored as files before the switch. */
  readonly #files: FileAttachmentStorage;

  /** `directory`: where uploads are staged while verified (and files from before the switch). */
  constructor(
    private readonly dataSource: DataSource,
    readonly directory: string,
  ) {
    this.#files = new FileAttachmentStorage(directory);
  }

  async receive(upload: UploadStream, maxBytes: number): Promise<ReceivedAttachment> {
    const { temporary, ...stored } = await stageUpload(this.directory, upload, maxBytes);
    return {
      ...stored,
      keep: async (manager) => {
        const handle = await open(temporary, "r");
        try {
          for (let part = 0; ; part += 1) {
            const chunk = Buffer.alloc(CHUNK_BYTES);
            const { bytesRead } = await handle.read(chunk, 0, CHUNK_BYTES, null);
            if (bytesRead === 0) break;
            await runSql(manager, INSERT_CHUNK, [stored.id, part, chunk.subarray(0, bytesRead)]);
          }
        } finally {
          await handle.close();
        }
      },
      // Kept or not, the staged copy has done its job; a transaction that failed took its chunks with it.
      finish: () => rm(temporary, { force: true }),
    };
  }

  open(file: AttachmentRef): Readable {
    const { dataSource } = this;
    const files = this.#files;
    return Readable.from(
      (async function* chunks() {
        for (let part = 0; ; part += 1) {
          const rows = await runSql<{ bytes: Buffer }>(dataSource, SELECT_CHUNK, [file.id, part]);
          const row = rows[0];
          if (!row) {
            if (part === 0) yield* files.open(file);
            return;
          }
          yield row.bytes;
        }
      })(),
      { objectMode: false },
    );
  }

  async read(file: AttachmentRef): Promise<Buffer> {
    const rows = await runSql<{ bytes: Buffer }>(this.dataSource, SELECT_CHUNKS, [file.id]);
    if (rows.length === 0) return this.#files.read(file);
    return Buffer.concat(rows.map((row) => row.bytes));
  }

  /** The chunks went with the row; a file from before the switch goes now. */
  remove(file: AttachmentRef): Promise<void> {
    return this.#files.remove(file);
  }

  /** Only staged uploads a crash interrupted: chunks never outlive their row. */
  sweep(_recordedNames: () => Promise<Set<string>>, before: Date): Promise<SweepResult> {
    return sweepFolder(this.directory, () => false, before);
  }
}
