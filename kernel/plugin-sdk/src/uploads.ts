/**
 * Typed access to multipart uploads. The kernel registers @fastify/multipart only in the
 * context of a plugin that declares `uploads` (see PluginDefinition), so its request
 * decorations are not in Fastify's types: `uploadsOf(request)` gives them a type, and
 * says clearly when the plugin forgot to declare `uploads`.
 */
import type { FastifyRequest } from "fastify";

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

/** The request's upload methods; throws if the plugin does not declare `uploads`. */
export function uploadsOf(request: FastifyRequest): UploadRequest {
  const candidate = request as unknown as Partial<UploadRequest>;
  if (typeof candidate.isMultipart !== "function" || typeof candidate.file !== "function") {
    throw new Error(
      "Multipart uploads are not enabled for this plugin: declare `uploads` in definePlugin",
    );
  }
  return candidate as UploadRequest;
}

/** The value of a plain form field that came before the file, if any (the first, if repeated). */
export function formField(fields: Record<string, unknown>, name: string): string | undefined {
  const field = fields[name];
  const first = Array.isArray(field) ? field[0] : field;
  const value = (first as { value?: unknown } | undefined)?.value;
  return typeof value === "string" ? value : undefined;
}
