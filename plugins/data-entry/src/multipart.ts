/**
 * The part of @fastify/multipart's request decoration the upload routes use. The kernel
 * registers the parser for plugins that declare `uploads`, but the SDK does not export
 * its types.
 */
import type { FastifyRequest } from "fastify";
import type { UploadStream } from "./attachment-storage.js";

export interface MultipartFile {
  fieldname: string;
  filename: string;
  file: UploadStream;
  fields: Record<string, unknown>;
}

export type MultipartRequest = FastifyRequest & {
  isMultipart(): boolean;
  file(): Promise<MultipartFile | undefined>;
};

/** The value of a plain form field that came before the file, if any. */
export function fieldValue(fields: Record<string, unknown>, name: string): string | undefined {
  const field = fields[name];
  const first = Array.isArray(field) ? field[0] : field;
  const value = (first as { type?: string; value?: unknown } | undefined)?.value;
  return typeof value === "string" ? value : undefined;
}
