/**
 * What an uploaded file is (from its first bytes, never from its name or the
 * client's content type) and what name it may be shown under. Plain functions.
 */

export const ATTACHMENT_TYPES = ["image/jpeg", "image/png", "application/pdf"] as const;
export type AttachmentType = (typeof ATTACHMENT_TYPES)[number];

/** How many leading bytes sniffing needs. */
export const SNIFF_BYTES = 8;

const SIGNATURES: ReadonlyArray<{ type: AttachmentType; bytes: readonly number[] }> = [
  { type: "image/jpeg", bytes: [0xff, 0xd8, 0xff] },
  { type: "image/png", bytes: [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a] },
  // "%PDF-"
  { type: "application/pdf", bytes: [0x25, 0x50, 0x44, 0x46, 0x2d] },
];

/** The accepted type the content starts with, or undefined. */
export function sniffAttachmentType(head: Uint8Array): AttachmentType | undefined {
  for (const { type, bytes } of SIGNATURES) {
    if (head.length >= bytes.length && bytes.every((byte, index) => head[index] === byte)) {
      return type;
    }
  }
  return undefined;
}

export const DISPLAY_NAME_MAX_LENGTH = 120;
const FALLBACK_NAME = "attachment";

/**
 * The client's file name reduced to something safe to show and to put in a
 * Content-Disposition header: the last path segment (either slash), no control
 * characters, no leading dots, at most 120 characters (the extension kept).
 * It is never used as a path: files are stored under a server-chosen id.
 */
export function sanitiseDisplayName(name: string | undefined): string {
  const lastSegment = (name ?? "").split(/[/\\]/).pop() ?? "";
  const cleaned = lastSegment
    // biome-ignore lint/suspicious/noControlCharactersInRegex: removing them is the point
    .replace(/[\u0000-\u001f\u007f-\u009f]/g, "")
    .replace(/^[.\s]+/, "")
    .trim();
  if (cleaned === "") return FALLBACK_NAME;
  const characters = [...cleaned];
  if (characters.length <= DISPLAY_NAME_MAX_LENGTH) return cleaned;
  const dot = cleaned.lastIndexOf(".");
  const extension = dot > 0 && cleaned.length - dot <= 10 ? [...cleaned.slice(dot)] : [];
  return [...characters.slice(0, DISPLAY_NAME_MAX_LENGTH - extension.length), ...extension].join(
    "",
  );
}

/** A Content-Disposition value that is safe for any display name (RFC 6266 / 5987). */
export function contentDisposition(displayName: string): string {
  const ascii = displayName.replace(/[^\x20-\x7e]/g, "_").replace(/["\\]/g, "_");
  return `inline; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(displayName)}`;
}
