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

/** The extensions a type is known by; the first is the one it is stored and shown with. */
const EXTENSIONS: Record<AttachmentType, readonly string[]> = {
  "image/jpeg": ["jpg", "jpeg", "jpe"],
  "image/png": ["png"],
  "application/pdf": ["pdf"],
};

export function extensionOf(type: AttachmentType): string {
  return EXTENSIONS[type][0] as string;
}

/**
 * The name with the extension of what the file really is: `x.html` holding a JPEG is
 * `x.jpg`, `bon` is `bon.jpg`, `Bon.JPEG` stays. An extension is 1–8 letters or digits
 * after the last dot; anything else after a dot (`Bon 12.03 final`) is part of the name.
 */
function withExtensionOf(name: string, type: AttachmentType): string {
  const dot = name.lastIndexOf(".");
  const suffix = dot > 0 ? name.slice(dot + 1) : "";
  const hasExtension = /^[A-Za-z0-9]{1,8}$/.test(suffix);
  if (hasExtension && EXTENSIONS[type].includes(suffix.toLowerCase())) return name;
  return `${hasExtension ? name.slice(0, dot) : name}.${extensionOf(type)}`;
}

export const DISPLAY_NAME_MAX_LENGTH = 120;
const FALLBACK_NAME = "attachment";

/**
 * The client's file name reduced to something safe to show and to put in a
 * Content-Disposition header: the last path segment (either slash), no control or
 * bidi characters, no lone surrogate, no leading dots, at most 120 characters (the extension kept), and
 * with `type`, the extension of that type (what the content was recognised as).
 * It is never used as a path: files are stored under a server-chosen id.
 */
export function sanitiseDisplayName(name: string | undefined, type?: AttachmentType): string {
  const lastSegment = (name ?? "").split(/[/\\]/).pop() ?? "";
  const stripped = lastSegment
    // Controls (C0, DEL, C1), lone surrogates (\p{Cs} under the u flag) and bidi
    // controls: "bon\u202Egpj.exe" must not show as "bonexe.jpg".
    .replace(/[\p{Cc}\p{Cs}\u200e\u200f\u202a-\u202e\u2066-\u2069]/gu, "")
    .replace(/^[.\s]+/, "")
    .trim();
  const named = stripped === "" ? FALLBACK_NAME : stripped;
  const cleaned = type ? withExtensionOf(named, type) : named;
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
