/**
 * The file of an upload form, as every data-entry route that takes one reads it
 * (attachments, POST /receipts/from-image, POST /ocr): a request that is not
 * multipart, or whose first file is not the field `file`, is a 400 before a byte of
 * it is stored, and a wrong part's stream is drained so the request can be answered.
 */
import {
  BadRequestError,
  type UploadedFile,
  type UploadRequest,
  uploadsOf,
} from "@roa2web/plugin-sdk";

/** The form's file in the field `file`; `required` is the 400's message when it is not. */
export async function fileField(
  uploads: UploadRequest,
  required = "body.file is required",
): Promise<UploadedFile> {
  const part = await uploads.file();
  if (part?.fieldname !== "file") {
    part?.file.resume();
    throw new BadRequestError(required, { details: { field: "file" } });
  }
  return part;
}

/** The request's file in the field `file`; `notMultipart` is the 400's message when it is not a form. */
export function filePart(
  request: Parameters<typeof uploadsOf>[0],
  notMultipart: string,
): Promise<UploadedFile> {
  const uploads = uploadsOf(request);
  if (!uploads.isMultipart()) {
    throw new BadRequestError(notMultipart, { details: { field: "file" } });
  }
  return fileField(uploads);
}
