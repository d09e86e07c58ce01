/**
 * Typed access to multipart uploads. The kernel registers @fastify/multipart only in the
 * context of a plugin that declares `uploads` (see PluginDefinition), so its request
 * decorations are not in Fastify's types: `uploadsOf(request)` gives them a type, and
 * says clearly when the plugin forgot to declare `uploads`.
 */
import type { FastifyRequest } from "fastify";
import { BadRequestError } from "./errors.js";

/** One field of an upload form, as the OpenAPI document shows it. */
export interface MultipartFieldSchema {
  type: "string" | "integer" | "number" | "boolean";
  /** `"binary"` for a file part. */
  format?: string;
  /** What to send; say where the field must come in the form if its place matters. */
  description?: string;
  [keyword: string]: unknown;
}

/**
 * The multipart/form-data form of an upload route, for the OpenAPI document only (route
 * schema keyword `multipartBody`): the kernel shows it as the operation's
 * multipart/form-data request body, next to a JSON `body` if the route has one. It is
 * never validated (the route reads the parts with `uploadsOf(request).file()`), and it
 * tells the kernel that the route reads multipart, as `consumes` does. Properties are
 * shown in the order they are written.
 */
export interface MultipartBodySchema {
  description?: string;
  required?: readonly string[];
  properties: Readonly<Record<string, MultipartFieldSchema>>;
}

declare module "fastify" {
  interface FastifySchema {
    /** The route's upload form, documented and never validated (see MultipartBodySchema). */
    multipartBody?: MultipartBodySchema;
  }
}

/** One file of a multipart/form-data request, streamed as it arrives. */
export interface UploadedFile {
  /** The form field the file came in. */
  fieldname: string;
  /** As the client named it: for display only, never a path to trust. */
  filename: string;
  /** What the client claims the type is: check the content instead. */
  mimetype: string;
  /** The bytes; `truncated` once the size limit (`uploads.maxFileBytes`) cut it (answer 413). */
  file: NodeJS.ReadableStream & { truncated?: boolean };
  /** The form's plain fields that came before the file (see `formField`). */
  fields: Record<string, unknown>;
}

export interface UploadRequest {
  /** Whether the request is multipart/form-data. */
  isMultipart(): boolean;
  /** The first file of the form (with the fields before it), or undefined when there is none. */
  file(): Promise<UploadedFile | undefined>;
}

const MALFORMED = "The multipart/form-data body cannot be read";

/** The parser's own errors carry no status; a limit it enforces does (413, kept). */
function hasStatus(error: unknown): boolean {
  return typeof (error as { statusCode?: unknown } | null)?.statusCode === "number";
}

function markMalformed(error: Error & { statusCode?: number }): void {
  if (hasStatus(error)) return;
  error.statusCode = 400;
  error.message = `${MALFORMED}: ${error.message}`;
}

/**
 * The request's upload methods; throws if the plugin does not declare `uploads`.
 *
 * A body the multipart parser cannot read (no boundary, cut short, a malformed part
 * header) is the client's fault: `file()` rejects with a `BadRequestError`, and an error
 * the file's stream emits while it is read is marked as a 400 (its message prefixed),
 * so the kernel answers 400 rather than 500 whoever consumes the stream.
 */
export function uploadsOf(request: FastifyRequest): UploadRequest {
  const candidate = request as unknown as Partial<UploadRequest>;
  if (typeof candidate.isMultipart !== "function" || typeof candidate.file !== "function") {
    throw new Error(
      "Multipart uploads are not enabled for this plugin: declare `uploads` in definePlugin",
    );
  }
  const decorated = candidate as UploadRequest;
  return {
    isMultipart: () => decorated.isMultipart(),
    async file() {
      let part: UploadedFile | undefined;
      try {
        part = await decorated.file();
      } catch (error) {
        if (hasStatus(error)) throw error;
        throw new BadRequestError(MALFORMED, { cause: error });
      }
      if (part) {
        // The parser may have failed the stream already (the whole body was buffered)
        // or may fail it later, while it is read.
        const errored = (part.file as { errored?: unknown }).errored;
        if (errored instanceof Error) markMalformed(errored);
        part.file.prependListener("error", markMalformed);
      }
      return part;
    },
  };
}

/** The value of a plain form field that came before the file, if any (the first, if repeated). */
export function formField(fields: Record<string, unknown>, name: string): string | undefined {
  const field = fields[name];
  const first = Array.isArray(field) ? field[0] : field;
  const value = (first as { value?: unknown } | undefined)?.value;
  return typeof value === "string" ? value : undefined;
}
