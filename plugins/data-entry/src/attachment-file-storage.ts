/**
 * Attachments as files in a folder: the plugin's data folder by default, or one that
 * several kernels share (DATA_ENTRY_ATTACHMENTS_DIR on a shared volume, ADR 0031).
 *
 * The order against the database: the file is in place (synced) before its row is
 * inserted, and a row is deleted before its file. A crash at any moment can then leave
 * a file without a row (or a `.upload-*` temporary), never a row without a file; `sweep`
 * removes those at the next start.
 */
import { open, readFile, rename, rm } from "node:fs/promises";
import path from "node:path";
import type { Readable } from "node:stream";
import type { Logger } from "@roa2web/plugin-sdk";
import {
  type AttachmentRef,
  type AttachmentStorage,
  isMissingFile,
  MissingBytes,
  type ReceivedAttachment,
  type SweepResult,
  stageUpload,
  sweepFolder,
  type UploadStream,
} from "./attachment-storage.js";

const STORED_NAME = /^[0-9a-f-]{36}\.(jpg|png|pdf)$/;

export class FileAttachmentStorage implements AttachmentStorage {
  readonly kind = "files";

  readonly #missing: MissingBytes;

  /** `logger`: where an attachment whose file is missing is named (once). */
  constructor(
    readonly directory: string,
    logger?: Logger,
  ) {
    this.#missing = new MissingBytes(directory, logger);
  }

  async receive(upload: UploadStream, maxBytes: number): Promise<ReceivedAttachment> {
    const staged = await stageUpload(this.directory, upload, maxBytes);
    const { temporary, ...stored } = staged;
    const file = path.join(this.directory, stored.storedName);
    try {
      await rename(temporary, file);
      await this.#syncDirectory();
    } catch (error) {
      await rm(temporary, { force: true });
      await rm(file, { force: true });
      throw error;
    }
    return {
      ...stored,
      // In place already: the row follows it.
      keep: async () => {},
      finish: async (kept) => {
        if (!kept) await rm(file, { force: true });
      },
    };
  }

  /** Opened before it is returned: a missing file is a 404 before any header is sent. */
  async open(file: AttachmentRef): Promise<Readable> {
    const handle = await open(this.pathOf(file.storedName), "r").catch((error: unknown) => {
      throw isMissingFile(error) ? this.#missing.error(file) : error;
    });
    return handle.createReadStream();
  }

  async read(file: AttachmentRef): Promise<Buffer> {
    return readFile(this.pathOf(file.storedName)).catch((error: unknown) => {
      throw isMissingFile(error) ? this.#missing.error(file) : error;
    });
  }

  /** The file's path, for a storage that moves files out of the folder (attachment-adoption.ts). */
  pathOf(storedName: string): string {
    // Stored names are ours (uuid.ext); refuse anything else rather than trust the row.
    if (!STORED_NAME.test(storedName)) {
      throw new Error(`Not a stored attachment name: ${storedName}`);
    }
    return path.join(this.directory, storedName);
  }

  async remove(file: AttachmentRef): Promise<void> {
    await rm(this.pathOf(file.storedName), { force: true });
  }

  /**
   * Temporaries, and attachment files no row names. With a folder several kernels
   * share, every one of them must share the database too (the rows are what tells a
   * file in use from a crash's leftover).
   */
  async sweep(recordedNames: () => Promise<Set<string>>, before: Date): Promise<SweepResult> {
    const recorded = await recordedNames();
    return sweepFolder(
      this.directory,
      (name) => STORED_NAME.test(name) && !recorded.has(name),
      before,
    );
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
}
