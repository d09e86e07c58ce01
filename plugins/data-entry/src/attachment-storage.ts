/**
 * Where attachments' bytes live (ADR 0031), and what every upload goes through before
 * any of them is kept. An upload is streamed to a temporary file while its size, hash
 * and first bytes are checked, and its content is verified (attachment-content.ts):
 * only then does a storage keep it — in a folder (attachment-file-storage.ts) or in the
 * plugin's database beside its row (attachment-database-storage.ts). A refused upload
 * leaves nothing in either.
 */
import { createHash, randomUUID } from "node:crypto";
import { mkdir, open, readdir, rm, stat } from "node:fs/promises";
import path from "node:path";
import { type Readable, Transform, type TransformCallback } from "node:stream";
import { pipeline } from "node:stream/promises";
import { type Logger, PayloadTooLargeError } from "@roa2web/plugin-sdk";
import type { EntityManager } from "typeorm";
import { verifyAttachmentContent } from "./attachment-content.js";
import {
  type AttachmentType,
  extensionOf,
  SNIFF_BYTES,
  sniffAttachmentType,
} from "./attachment-rules.js";
import type { Attachment } from "./entities.js";
import { AttachmentBytesMissingError, UnsupportedAttachmentError } from "./errors.js";

/** An upload being received: a dot name, never confused with a stored attachment. */
export const TEMPORARY_PREFIX = ".upload-";

/**
 * How long an upload may have been silent before a start treats its file as a crash's
 * leftover. Another kernel on the same folder (a hand-over, or several kernels sharing
 * DATA_ENTRY_ATTACHMENTS_DIR, #18) may have an upload in flight whose file is older
 * than this process: an upload is one request, bounded by
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
 * Reads an upload into memory with the same checks as `AttachmentStorage.receive` (size
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

/** An attachment as a storage finds its bytes: by its id, or its stored file name. */
export type AttachmentRef = Pick<Attachment, "id" | "storedName">;

/**
 * Writes the received bytes where they live, inside the transaction that inserts the
 * attachment's row, after the row (ReceiptsStore.create and addAttachment call it).
 */
export type KeepBytes = (manager: EntityManager) => Promise<void>;

/** An upload checked and verified, not yet recorded. */
export interface ReceivedAttachment extends StoredFile {
  keep: KeepBytes;
  /**
   * Ends the upload once its row's transaction is over: `kept` says whether it
   * committed. Whatever was stored for a row that was not is removed.
   */
  finish(kept: boolean): Promise<void>;
}

export type AttachmentStorageKind = "files" | "database";

export interface AttachmentStorage {
  readonly kind: AttachmentStorageKind;
  /** The folder it keeps files in (files), or stages uploads in (database). */
  readonly directory: string;
  /** Receives and verifies an upload; throws 413, 415 or 400 and leaves nothing. */
  receive(upload: UploadStream, maxBytes: number): Promise<ReceivedAttachment>;
  /**
   * The bytes as a stream (a download): never the whole file in memory. Rejects with
   * AttachmentBytesMissingError (404) before a byte is sent when they are nowhere.
   */
  open(file: AttachmentRef): Promise<Readable>;
  /** The bytes at once (OCR reads the whole file anyway); AttachmentBytesMissingError likewise. */
  read(file: AttachmentRef): Promise<Buffer>;
  /** Removes the bytes of an attachment whose row was deleted. */
  remove(file: AttachmentRef): Promise<void>;
  /**
   * Removes what a crash left, last written before `before`: temporaries, and (files)
   * attachment files that no row names (`recordedNames` reads the rows).
   */
  sweep(recordedNames: () => Promise<Set<string>>, before: Date): Promise<SweepResult>;
}

/**
 * The answer for an attachment whose bytes are nowhere: the error (404
 * `ATTACHMENT_BYTES_MISSING`), and a warning naming the attachment the first time this
 * process meets it, not at every download of it.
 */
export class MissingBytes {
  readonly #reported = new Set<string>();

  constructor(
    private readonly directory: string,
    private readonly logger?: Logger,
  ) {}

  error(file: AttachmentRef): AttachmentBytesMissingError {
    if (!this.#reported.has(file.id)) {
      this.#reported.add(file.id);
      this.logger?.warn(
        { attachmentId: file.id, storedName: file.storedName, attachments: this.directory },
        "An attachment's bytes are neither in the database nor in the attachments folder",
      );
    }
    return new AttachmentBytesMissingError(file.id);
  }
}

/** Whether `error` is a file system's "no such file". */
export const isMissingFile = (error: unknown): boolean =>
  (error as NodeJS.ErrnoException | undefined)?.code === "ENOENT";

/** A verified upload in a temporary file of `directory`, with what was learnt reading it. */
export interface StagedUpload extends StoredFile {
  temporary: string;
}

/**
 * Streams an upload into a temporary file of `directory` and verifies it; the caller
 * moves or copies it and removes the temporary. Throws 413 or 415 (or 400 for content
 * that is not what it claims) with the temporary removed.
 */
export async function stageUpload(
  directory: string,
  upload: UploadStream,
  maxBytes: number,
): Promise<StagedUpload> {
  await mkdir(directory, { recursive: true });
  const id = randomUUID();
  const temporary = path.join(directory, `${TEMPORARY_PREFIX}${id}`);
  const inspector = new Inspector(maxBytes);
  // Opened (and on failure closed) here rather than by createWriteStream, which opens
  // in the background: the clean-up below then never depends on the order in which
  // the pipeline's streams happen to close.
  const handle = await open(temporary, "wx");
  try {
    // flush: the bytes reach the disk before a rename can make the file visible.
    await pipeline(upload, inspector, handle.createWriteStream({ flush: true }));
    // The multipart parser stops at its own limit without an error: it marks the stream.
    if (upload.truncated) throw new TooLargeError(maxBytes);
    const mime = inspector.type;
    if (!mime) throw new UnsupportedAttachmentError();
    await verifyAttachmentContent(temporary, mime);
    const storedName = `${id}.${extensionOf(mime)}`;
    return { id, storedName, mime, size: inspector.size, sha256: inspector.digest(), temporary };
  } catch (error) {
    await handle.close().catch(() => {});
    await rm(temporary, { force: true });
    throw error;
  }
}

/**
 * Removes `.upload-*` temporaries of `directory` last written before `before`, and
 * the other files `isOrphan` names. Only files older than `before` are touched: an
 * upload still running (here, or in another kernel on the same folder) has a younger
 * file, and its row may follow.
 */
export async function sweepFolder(
  directory: string,
  isOrphan: (name: string) => boolean,
  before: Date,
): Promise<SweepResult> {
  const result: SweepResult = { temporaries: 0, orphans: 0 };
  let names: string[];
  try {
    names = await readdir(directory);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return result;
    throw error;
  }
  for (const name of names) {
    const temporary = name.startsWith(TEMPORARY_PREFIX);
    if (!temporary && !isOrphan(name)) continue;
    const file = path.join(directory, name);
    const { mtime } = await stat(file).catch(() => ({ mtime: before }));
    if (mtime >= before) continue;
    await rm(file, { force: true });
    if (temporary) result.temporaries += 1;
    else result.orphans += 1;
  }
  return result;
}

/**
 * Receives an upload into `storage` and records it with `record`, which must pass
 * `keep` to the transaction that inserts the attachment's row: the bytes are kept
 * if, and only if, that transaction commits.
 */
export async function storeUpload<T>(
  storage: AttachmentStorage,
  upload: UploadStream,
  maxBytes: number,
  record: (file: StoredFile, keep: KeepBytes) => Promise<T>,
): Promise<T> {
  const received = await storage.receive(upload, maxBytes);
  let kept = false;
  try {
    const result = await record(received, received.keep);
    kept = true;
    return result;
  } finally {
    await received.finish(kept);
  }
}
