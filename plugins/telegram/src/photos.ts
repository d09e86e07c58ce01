/**
 * Receipts sent as photos: which file of a Telegram message to take, and the
 * photos waiting for the user to say which company they belong to.
 */

import { randomBytes } from "node:crypto";
import { type DataSource, LessThanOrEqual } from "typeorm";
import { PendingPhotoEntity, type PendingPhotoRow } from "./entities.js";

/** Telegram's Bot API serves files of at most 20 MB to bots. */
export const BOT_API_MAX_DOWNLOAD_BYTES = 20 * 1024 * 1024;

export interface IncomingImage {
  fileId: string;
  /** What Telegram says the size is (it may not say). */
  size: number | undefined;
  fileName: string;
}

interface PhotoSize {
  file_id: string;
  file_unique_id: string;
  width: number;
  height: number;
  file_size?: number;
}

interface DocumentFile {
  file_id: string;
  file_unique_id: string;
  file_name?: string;
  mime_type?: string;
  file_size?: number;
}

const IMAGE_TYPES: Record<string, string> = {
  "image/jpeg": "jpg",
  "image/png": "png",
};

/**
 * The image in a message: the largest size of a photo, or a document that is a JPEG
 * or PNG. `undefined` for anything else (a PDF, a video…).
 */
export function imageOf(message: {
  photo?: readonly PhotoSize[];
  document?: DocumentFile;
}): IncomingImage | undefined {
  if (message.photo !== undefined && message.photo.length > 0) {
    const largest = message.photo.reduce((best, size) =>
      size.width * size.height > best.width * best.height ? size : best,
    );
    return {
      fileId: largest.file_id,
      size: largest.file_size,
      fileName: `telegram-${largest.file_unique_id}.jpg`,
    };
  }
  const document = message.document;
  const extension = document?.mime_type === undefined ? undefined : IMAGE_TYPES[document.mime_type];
  if (document === undefined || extension === undefined) return undefined;
  return {
    fileId: document.file_id,
    size: document.file_size,
    fileName: safeFileName(document.file_name, `telegram-${document.file_unique_id}.${extension}`),
  };
}

/** A display name without paths or control characters, at most 100 characters. */
export function safeFileName(name: string | undefined, fallback: string): string {
  const cleaned = (name ?? "")
    .replace(/^.*[\\/]/, "")
    .replace(/[\p{Cc}<>:"|?*]/gu, "")
    .trim()
    .slice(-100);
  return cleaned === "" || cleaned.startsWith(".") ? fallback : cleaned;
}

export interface PendingImage extends IncomingImage {
  owner: number;
  chatId: number;
  expiresAt: number;
}

/**
 * Photos waiting for the company question to be answered, by a random token that
 * the buttons carry, in the plugin's SQLite (a reload or restart keeps them). Bounded
 * (oldest dropped first) and short-lived: a button pressed after that asks for the
 * photo again.
 */
export class StoredPendingImages {
  constructor(
    private readonly database: DataSource,
    readonly ttlMs = 10 * 60 * 1000,
    readonly capacity = 200,
  ) {}

  async add(image: Omit<PendingImage, "expiresAt">, now = Date.now()): Promise<string> {
    const token = randomBytes(6).toString("base64url");
    await this.database.transaction(async (manager) => {
      const rows = manager.getRepository(PendingPhotoEntity);
      await rows.delete({ expiresAt: LessThanOrEqual(now) });
      await rows.insert({
        token,
        owner: image.owner,
        chatId: image.chatId,
        fileId: image.fileId,
        fileName: image.fileName,
        size: image.size ?? null,
        expiresAt: now + this.ttlMs,
      });
      const count = await rows.count();
      if (count > this.capacity) {
        const oldest = await rows.find({
          order: { expiresAt: "ASC" },
          take: count - this.capacity,
        });
        await rows.delete(oldest.map((row) => row.token));
      }
    });
    return token;
  }

  /** The photo behind a token, left in place; undefined when unknown or expired. */
  async peek(token: string, now = Date.now()): Promise<PendingImage | undefined> {
    const row = await this.database.getRepository(PendingPhotoEntity).findOneBy({ token });
    return row !== null && row.expiresAt > now ? toPending(row) : undefined;
  }

  /** The photo behind a token, removed; undefined when unknown, expired or taken. */
  async take(token: string, now = Date.now()): Promise<PendingImage | undefined> {
    const rows = this.database.getRepository(PendingPhotoEntity);
    const row = await rows.findOneBy({ token });
    if (row === null) return undefined;
    // Only the press that deletes the row gets the photo: a second press finds nothing.
    const { affected } = await rows.delete({ token });
    if (!affected) return undefined;
    return row.expiresAt > now ? toPending(row) : undefined;
  }
}

function toPending(row: PendingPhotoRow): PendingImage {
  return {
    fileId: row.fileId,
    fileName: row.fileName,
    size: row.size ?? undefined,
    owner: row.owner,
    chatId: row.chatId,
    expiresAt: row.expiresAt,
  };
}

/** The same, in memory: for unit tests of the rules without a database. */
export class PendingImages {
  private readonly waiting = new Map<string, PendingImage>();

  constructor(
    readonly ttlMs = 10 * 60 * 1000,
    readonly capacity = 200,
  ) {}

  add(image: Omit<PendingImage, "expiresAt">, now = Date.now()): string {
    for (const [token, pending] of this.waiting) {
      if (pending.expiresAt <= now) this.waiting.delete(token);
    }
    const token = randomBytes(6).toString("base64url");
    this.waiting.set(token, { ...image, expiresAt: now + this.ttlMs });
    for (const key of this.waiting.keys()) {
      if (this.waiting.size <= this.capacity) break;
      this.waiting.delete(key);
    }
    return token;
  }

  /** The photo behind a token, left in place; undefined when unknown or expired. */
  peek(token: string, now = Date.now()): PendingImage | undefined {
    const pending = this.waiting.get(token);
    return pending !== undefined && pending.expiresAt > now ? pending : undefined;
  }

  /** The photo behind a token, removed; undefined when unknown, expired or taken. */
  take(token: string, now = Date.now()): PendingImage | undefined {
    const pending = this.waiting.get(token);
    if (pending === undefined) return undefined;
    this.waiting.delete(token);
    return pending.expiresAt > now ? pending : undefined;
  }

  get size(): number {
    return this.waiting.size;
  }
}

/** Callback data of "this receipt is for company N": `rc:<company base 36>:<token>`. */
export function encodeReceiptCompany(companyId: number, token: string): string {
  return `rc:${companyId.toString(36)}:${token}`;
}

export function decodeReceiptCompany(
  data: string,
): { companyId: number; token: string } | undefined {
  const match = /^rc:([0-9a-z]{1,8}):([A-Za-z0-9_-]{8})$/.exec(data);
  if (match === null) return undefined;
  const companyId = Number.parseInt(match[1] ?? "", 36);
  return Number.isSafeInteger(companyId) ? { companyId, token: match[2] ?? "" } : undefined;
}

/**
 * Reads a download into memory, refusing (and aborting the download) as soon as it
 * passes `maxBytes`: the size Telegram announced is not trusted.
 */
export async function readLimited(
  body: ReadableStream<Uint8Array> | null,
  maxBytes: number,
): Promise<Buffer | "too-large"> {
  if (body === null) return Buffer.alloc(0);
  const chunks: Uint8Array[] = [];
  let total = 0;
  const reader = body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel();
      return "too-large";
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}
