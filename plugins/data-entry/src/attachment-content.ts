/**
 * Whether an uploaded file really is the type its first bytes claim: a JPEG or PNG
 * must decode, a PDF must have a PDF's structure. Three bytes `FF D8 FF` are not a
 * photo, and a file that is not what it says must not be kept as one.
 *
 * Images are decoded by sharp (libvips) on libuv's thread pool, never on the event
 * loop, shrunk while they load (a JPEG is decoded at 1/8 scale, which still reads
 * every compressed block): a 19.5 MB, 24-megapixel JPEG took 0.28–0.37 s of one pool
 * thread on the shared 2-core test machine (load 11), the event loop's worst delay
 * meanwhile 32 ms. DATA_ENTRY_UPLOADS_PER_USER bounds how many run at once. A PDF is checked for its header, its `startxref` pointer and its `%%EOF`
 * trailer only: parsing it is pdfjs's job, in its own worker, when OCR reads it
 * (pdf-source.ts), and a PDF that passes here but cannot be read there ends its OCR
 * job with the reason.
 */
import { open } from "node:fs/promises";
import { BadRequestError } from "@roa2web/plugin-sdk";
import sharp from "sharp";
import type { AttachmentType } from "./attachment-rules.js";

/** The code in `details.reason` of the 400 (and the UI's message key). */
export const DAMAGED_ATTACHMENT = "DATA_ENTRY_ATTACHMENT_DAMAGED";

/**
 * Images larger than this are refused unread (sharp's own default is 268 megapixels):
 * a small file that would decode to gigabytes is a decompression bomb, not a receipt.
 * 200 megapixels is the largest phone camera.
 */
export const MAX_ATTACHMENT_PIXELS = 200_000_000;

const SHARP_FORMAT: Partial<Record<AttachmentType, string>> = {
  "image/jpeg": "jpeg",
  "image/png": "png",
};

/** How far from the end a PDF's `startxref … %%EOF` trailer is looked for (as pdfjs does). */
const PDF_TAIL_BYTES = 1024;

export class DamagedAttachmentError extends BadRequestError {
  constructor(type: AttachmentType, reason: string, options?: { cause?: unknown }) {
    super(`The file starts like ${describe(type)} but is not a readable one: ${reason}`, {
      details: { reason: DAMAGED_ATTACHMENT, type },
      cause: options?.cause,
    });
  }
}

function describe(type: AttachmentType): string {
  return type === "application/pdf"
    ? "a PDF"
    : type === "image/png"
      ? "a PNG image"
      : "a JPEG image";
}

/** Throws DamagedAttachmentError unless the file at `file` is a readable `type`. */
export async function verifyAttachmentContent(file: string, type: AttachmentType): Promise<void> {
  if (type === "application/pdf") await verifyPdf(file);
  else await verifyImage(file, type);
}

async function verifyImage(file: string, type: AttachmentType): Promise<void> {
  const image = () => sharp(file, { failOn: "error", limitInputPixels: MAX_ATTACHMENT_PIXELS });
  let format: string | undefined;
  try {
    ({ format } = await image().metadata());
  } catch (error) {
    throw new DamagedAttachmentError(type, "its header cannot be read", { cause: error });
  }
  if (format !== SHARP_FORMAT[type]) {
    throw new DamagedAttachmentError(type, `its content is ${format ?? "unknown"}`);
  }
  try {
    // Shrink-on-load keeps the decode cheap; every block is still read and checked.
    await image().resize(64, 64, { fit: "inside" }).raw().toBuffer();
  } catch (error) {
    const message = error instanceof Error ? error.message : "";
    throw new DamagedAttachmentError(
      type,
      /pixel limit/i.test(message)
        ? `it has more than ${MAX_ATTACHMENT_PIXELS / 1_000_000} megapixels`
        : "it is cut short or damaged",
      { cause: error },
    );
  }
}

async function verifyPdf(file: string): Promise<void> {
  const handle = await open(file, "r");
  try {
    const { size } = await handle.stat();
    const head = Buffer.alloc(Math.min(size, 16));
    await handle.read(head, 0, head.length, 0);
    if (!/^%PDF-\d\.\d/.test(head.toString("latin1"))) {
      throw new DamagedAttachmentError("application/pdf", "it has no PDF version header");
    }
    const tailLength = Math.min(size, PDF_TAIL_BYTES);
    const tail = Buffer.alloc(tailLength);
    await handle.read(tail, 0, tailLength, size - tailLength);
    // The last trailer counts (a PDF changed in place has one per revision).
    const trailer = [...tail.toString("latin1").matchAll(/startxref\s+(\d+)\s+%%EOF/g)].at(-1);
    const offset = trailer ? Number(trailer[1]) : Number.NaN;
    // The cross-reference table (or stream) lies inside the file, after the header.
    if (!Number.isSafeInteger(offset) || offset < 9 || offset >= size) {
      throw new DamagedAttachmentError("application/pdf", "it is cut short (no valid trailer)");
    }
  } finally {
    await handle.close();
  }
}
