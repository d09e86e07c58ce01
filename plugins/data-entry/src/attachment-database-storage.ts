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
import { createHash } from "node:crypto";
import { open, rm } from "node:fs/promises";
import { Readable } from "node:stream";
import { type Logger, runSql, type SqlRunner } from "@roa2web/plugin-sdk";
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
/** For a copy that another kernel may be making too: the first one's chunks stay. */
const INSERT_CHUNK_IF_ABSENT = `${INSERT_CHUNK} ON CONFLICT ("attachment_id", "part") DO NOTHING`;
const SELECT_CHUNK = `SELECT "bytes" FROM "attachment_chunks" WHERE "attachment_id" = ? AND "part" = ?`;
const SELECT_CHUNKS = `SELECT "bytes" FROM "attachment_chunks" WHERE "attachment_id" = ? ORDER BY "part"`;

/** What `copyFileIntoChunks` wrote. */
export interface CopiedFile {
  size: number;
  sha256: string;
}

/**
 * Copies the file at `file` into `attachment_chunks` as attachment `id`'s chunks, one
 * chunk in memory at a time, through `runner` (the transaction that must hold them).
 * `ifAbsent`: a chunk already there is left as it is rather than failing.
 */
export async function copyFileIntoChunks(
  runner: SqlRunner,
  id: string,
  file: string,
  { ifAbsent = false } = {},
): Promise<CopiedFile> {
  const hash = createHash("sha256");
  let size = 0;
  const handle = await open(file, "r");
  try {
    for (let part = 0; ; part += 1) {
      const chunk = Buffer.alloc(CHUNK_BYTES);
      const { bytesRead } = await handle.read(chunk, 0, CHUNK_BYTES, null);
      if (bytesRead === 0) break;
      const bytes = chunk.subarray(0, bytesRead);
      hash.update(bytes);
      size += bytesRead;
      await runSql(runner, ifAbsent ? INSERT_CHUNK_IF_ABSENT : INSERT_CHUNK, [id, part, bytes]);
    }
  } finally {
    await handle.close();
  }
  return { size, sha256: hash.digest("hex") };
}

export class DatabaseAttachmentStorage implements AttachmentStorage {
  readonly kind = "database";
  /** Attachments stored as files before the switch. */
  readonly #files: FileAttachmentStorage;

  /**
   * `directory`: where uploads are staged while verified (and files from before the
   * switch). `logger`: where an attachment whose bytes are nowhere is named (once).
   */
  constructor(
    private readonly dataSource: DataSource,
    readonly directory: string,
    logger?: Logger,
  ) {
    this.#files = new FileAttachmentStorage(directory, logger);
  }

  /** The folder's own storage: the files from before the switch. */
  get files(): FileAttachmentStorage {
    return this.#files;
  }

  async receive(upload: UploadStream, maxBytes: number): Promise<ReceivedAttachment> {
    const { temporary, ...stored } = await stageUpload(this.directory, upload, maxBytes);
    return {
      ...stored,
      keep: async (manager) => {
        await copyFileIntoChunks(manager, stored.id, temporary);
      },
      // Kept or not, the staged copy has done its job; a transaction that failed took its chunks with it.
      finish: () => rm(temporary, { force: true }),
    };
  }

  /**
   * The first chunk is read before the stream is returned: with none, the file from
   * before the switch, and with neither a 404 before any header is sent.
   */
  async open(file: AttachmentRef): Promise<Readable> {
    const { dataSource } = this;
    const chunk = (part: number) =>
      runSql<{ bytes: Buffer }>(dataSource, SELECT_CHUNK, [file.id, part]).then((rows) => rows[0]);
    const first = await chunk(0);
    if (!first) return this.#files.open(file);
    return Readable.from(
      (async function* chunks() {
        yield first.bytes;
        for (let part = 1; ; part += 1) {
          const row = await chunk(part);
          if (!row) return;
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
