/**
 * Attachment files under the plugin's data folder. An upload is streamed to a
 * temporary file while its size, hash and first bytes are checked, and renamed to
 * its server-chosen name only when all is well: a failed upload leaves nothing.
 */
import { createHash, randomUUID } from "node:crypto";
import { createReadStream, type ReadStream } from "node:fs";
import { mkdir, open, readFile, rename, rm } from "node:fs/promises";
import path from "node:path";
import { Transform, type TransformCallback } from "node:stream";
import { pipeline } from "node:stream/promises";
import { PayloadTooLargeError } from "@roa2web/plugin-sdk";
import { type AttachmentType, SNIFF_BYTES, sniffAttachmentType } from "./attachment-rules.js";
import { UnsupportedAttachmentError } from "./errors.js";

const EXTENSIONS: Record<AttachmentType, string> = {
  "image/jpeg": "jpg",
  "image/png": "png",
  "application/pdf": "pdf",
};

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
    const temporary = path.join(this.directory, `.upload-${id}`);
    const inspector = new Inspector(maxBytes);
    // Opened (and on failure closed) here rather than by createWriteStream, which opens
    // in the background: the clean-up below then never depends on the order in which
    // the pipeline's streams happen to close.
    const handle = await open(temporary, "wx");
    try {
      await pipeline(upload, inspector, handle.createWriteStream());
      // The multipart parser stops at its own limit without an error: it marks the stream.
      if (upload.truncated) throw new TooLargeError(maxBytes);
      const mime = inspector.type;
      if (!mime) throw new UnsupportedAttachmentError();
      const storedName = `${id}.${EXTENSIONS[mime]}`;
      await rename(temporary, path.join(this.directory, storedName));
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

  private pathOf(storedName: string): string {
    // Stored names are ours (uuid.ext); refuse anything else rather than trust the row.
    if (!/^[0-9a-f-]{36}\.(jpg|png|pdf)$/.test(storedName)) {
      throw new Error(`Not a stored attachment name: ${storedName}`);
    }
    return path.join(this.directory, storedName);
  }
}
