/**
 * Attachment files under the plugin's data folder. An upload is streamed to a
 * temporary file while its size, hash and first bytes are checked, its content is
 * verified (attachment-content.ts), and it is flushed to disk and renamed to its
 * server-chosen name only when all is well: a failed upload leaves nothing.
 *
 * The order against the database: the file is in place (synced) before its row is
 * inserted, and a row is deleted before its file. A crash at any moment can then leave
 * a file without a row (or a `.upload-*` temporary), never a row without a file; `sweep`
 * removes those at the next start.
 */
import { createHash, randomUUID } from "node:crypto";
import { createReadStream, type ReadStream } from "node:fs";
import { mkdir, open, readdir, readFile, rename, rm, stat } from "node:fs/promises";
import path from "node:path";
import { Transform, type TransformCallback } from "node:stream";
import { pipeline } from "node:stream/promises";
import { PayloadTooLargeError } from "@roa2web/plugin-sdk";
import { verifyAttachmentContent } from "./attachment-content.js";
import {
  type AttachmentType,
  extensionOf,
  SNIFF_BYTES,
  sniffAttachmentType,
} from "./attachment-rules.js";
import { UnsupportedAttachmentError } from "./errors.js";

const TEMPORARY_PREFIX = ".upload-";
const STORED_NAME = /^[0-9a-f-]{36}\.(jpg|png|pdf)$/;

/**
 * How long an upload may have been silent before a start treats its file as a crash's
 * leftover. Another kernel on the same DATA_DIR (a hand-over, #18) may have an upload
 * in flight whose file is older than this process: an upload is one request, bounded by
 * HTTP_REQUEST_TIMEOUT_MS (2 min by default), and its file is written as bytes arrive.
 */
export const SWEEP_MIN_AGE_MS = 60 * 60 * 1000;

/** What `sweep` removed. */
export interface SweepResult {
  temporaries: number;
  orphans: number;
}

export interface StoredFile {
  id: string;
  storedName: string;
  mime: AttachmentType;
  size: number;
  sha256: string;
}

/** The multipart file stream: busboy marks it `truncated` when the parser's limit cut it. */
export type UploadStream = NodeJS.ReadableStream & { truncated?: boolean };

class TooLargeError extends PayloadTooLargeError {
  constructor(maxBytes: number) {
    super(`The file is larger than ${maxBytes} bytes`, { details: { max_bytes: maxBytes } });
  }
}

/** Counts, hashes and sniffs the bytes going through, failing as soon as a rule breaks. */
class Inspector extends Transform {
  size = 0;
  type: AttachmentType | undefined;
  readonly #hash = createHash("sha256");
  #head = Buffer.alloc(0);

  constructor(private readonly maxBytes: number) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    callback(this.#inspect(chunk), chunk);
  }

  override _flush(callback: TransformCallback): void {
    callback(this.type === undefined ? this.#sniff() : null);
  }

  digest(): string {
    return this.#hash.digest("hex");
  }

  /** The error that must stop the upload, or null to pass the chunk on. */
  #inspect(chunk: Buffer): Error | null {
    this.size += chunk.length;
    if (this.size > this.maxBytes) return new TooLargeError(this.maxBytes);
    if (this.type === undefined && this.#head.length < SNIFF_BYTES) {
      this.#head = Buffer.concat([this.#head, chunk.subarray(0, SNIFF_BYTES)]);
      if (this.#head.length >= SNIFF_BYTES) {
        const error = this.#sniff();
        if (error) return error;
      }
    }
    this.#hash.update(chunk);
    return null;
  }

  #sniff(): Error | null {
    this.type = sniffAttachmentType(this.#head);
    return this.type === undefined ? new UnsupportedAttachmentError() : null;
  }
}

/**
 * Reads an upload into memory with the same checks as `AttachmentStorage.save` (size
 * limit, content sniffed), for a file that is only looked at, never kept (an image
 * sent to OCR on its own).
 */
export async function readUpload(
  upload: UploadStream,
  maxBytes: number,
): Promise<{ bytes: Buffer; mime: AttachmentType }> {
  const inspector = new Inspector(maxBytes);
  const chunks: Buffer[] = [];
  await pipeline(upload, inspector, async (source: AsyncIterable<Buffer>) => {
    for await (const chunk of source) chunks.push(chunk);
  });
  // The multipart parser stops at its own limit without an error: it marks the stream.
  if (upload.truncated) throw new TooLargeError(maxBytes);
  const mime = inspector.type;
  if (!mime) throw new UnsupportedAttachmentError();
  return { bytes: Buffer.concat(chunks), mime };
}

export class AttachmentStorage {
  constructor(readonly directory: string) {}

  static of(dataDir: string): AttachmentStorage {
    return new AttachmentStorage(path.join(dataDir, "attachments"));
  }

  /** Streams an upload into place; throws 413 or 415 (and removes the partial file). */
  async save(upload: UploadStream, maxBytes: number): Promise<StoredFile> {
    await mkdir(this.directory, { recursive: true });
    const id = randomUUID();
    // A dot name: never confused with a stored attachment, easy to sweep.
    const temporary = path.join(this.directory, `${TEMPORARY_PREFIX}${id}`);
    const inspector = new Inspector(maxBytes);
    // Opened (and on failure closed) here rather than by createWriteStream, which opens
    // in the background: the clean-up below then never depends on the order in which
    // the pipeline's streams happen to close.
    const handle = await open(temporary, "wx");
    try {
      // flush: the bytes reach the disk before the rename can make the file visible.
      await pipeline(upload, inspector, handle.createWriteStream({ flush: true }));
      // The multipart parser stops at its own limit without an error: it marks the stream.
      if (upload.truncated) throw new TooLargeError(maxBytes);
      const mime = inspector.type;
      if (!mime) throw new UnsupportedAttachmentError();
      await verifyAttachmentContent(temporary, mime);
      const storedName = `${id}.${extensionOf(mime)}`;
      await rename(temporary, path.join(this.directory, storedName));
      await this.#syncDirectory();
      return { id, storedName, mime, size: inspector.size, sha256: inspector.digest() };
    } catch (error) {
      await handle.close().catch(() => {});
      await rm(temporary, { force: true });
      throw error;
    }
  }

  open(storedName: string): ReadStream {
    return createReadStream(this.pathOf(storedName));
  }

  read(storedName: string): Promise<Buffer> {
    return readFile(this.pathOf(storedName));
  }

  async remove(storedName: string): Promise<void> {
    await rm(this.pathOf(storedName), { force: true });
  }

  /**
   * Removes what a crash left: `.upload-*` temporaries and attachment files that no
   * row names (`isRecorded` says which are). Only files last written before `before`
   * (the process's start) are touched: an upload still running in this process (an
   * old instance serving during a reload) has a younger file, and its row may follow.
   */
  async sweep(isRecorded: (storedName: string) => boolean, before: Date): Promise<SweepResult> {
    const result: SweepResult = { temporaries: 0, orphans: 0 };
    let names: string[];
    try {
      names = await readdir(this.directory);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return result;
      throw error;
    }
    for (const name of names) {
      const temporary = name.startsWith(TEMPORARY_PREFIX);
      if (!temporary && (!STORED_NAME.test(name) || isRecorded(name))) continue;
      const file = path.join(this.directory, name);
      const { mtime } = await stat(file);
      if (mtime >= before) continue;
      await rm(file, { force: true });
      if (temporary) result.temporaries += 1;
      else result.orphans += 1;
    }
    return result;
  }

  /** Makes a rename in the directory durable (a no-op where directories cannot be synced). */
  async #syncDirectory(): Promise<void> {
    if (process.platform === "win32") return;
    const directory = await open(this.directory, "r");
    try {
      await directory.sync();
    } finally {
      await directory.close();
    }
  }

  private pathOf(storedName: string): string {
    // Stored names are ours (uuid.ext); refuse anything else rather than trust the row.
    if (!STORED_NAME.test(storedName)) {
      throw new Error(`Not a stored attachment name: ${storedName}`);
    }
    return path.join(this.directory, storedName);
  }
}
