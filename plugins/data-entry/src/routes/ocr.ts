/** OCR of an attachment: start a job (answers at once), then poll it. */
import {
  canSeeCompany,
  defineRoutes,
  NotFoundError,
  ServiceUnavailableError,
  UnsupportedMediaTypeError,
} from "@roa2web/plugin-sdk";
import { signedInUser } from "../access.js";
import { AttachmentNotFoundError } from "../errors.js";
import type { OcrJob } from "../ocr-jobs.js";
import { getOcrSchema, startOcrSchema } from "../schemas.js";
import { servicesOf } from "../services.js";

function toJobView(job: OcrJob) {
  return {
    job_id: job.id,
    attachment_id: job.attachmentId,
    receipt_id: job.receiptId,
    state: job.state,
    progress: job.progress,
    fields: job.fields,
    error: job.error,
  };
}

export default defineRoutes(async (app, { plugin }) => {
  const { store, storage, ocr } = servicesOf(plugin);

  app.post<{ Body: { attachment_id: string } }>(
    "/ocr",
    { config: { access: "data-entry:write" }, schema: startOcrSchema },
    async (request, reply) => {
      const user = signedInUser(request);
      const attachment = await store.findAttachment(request.body.attachment_id);
      if (!attachment) throw new AttachmentNotFoundError(request.body.attachment_id);
      const receipt = await store.find(attachment.receiptId);
      // Another company's attachment does not exist for this caller.
      if (!receipt || !canSeeCompany(user, receipt.companyId)) {
        throw new AttachmentNotFoundError(attachment.id);
      }
      if (!ocr) {
        throw new ServiceUnavailableError("OCR is switched off (DATA_ENTRY_OCR_ENABLED=false)");
      }
      if (attachment.mime === "application/pdf") {
        throw new UnsupportedMediaTypeError("OCR reads images (JPEG, PNG), not PDF files", {
          details: { mime: attachment.mime },
        });
      }
      const image = await storage.read(attachment.storedName);
      const { job } = ocr.jobs.submit(image, {
        attachmentId: attachment.id,
        receiptId: receipt.id,
        companyId: receipt.companyId,
      });
      plugin.logger.info(
        { reqId: request.id, jobId: job.id, attachmentId: attachment.id },
        "OCR job started",
      );
      return reply.status(202).send({ job_id: job.id, state: job.state });
    },
  );

  app.get<{ Params: { job_id: string } }>(
    "/ocr/:job_id",
    { config: { access: "data-entry:read" }, schema: getOcrSchema },
    async (request) => {
      const user = signedInUser(request);
      const job = ocr?.jobs.get(request.params.job_id);
      if (!job || !canSeeCompany(user, job.companyId)) {
        throw new NotFoundError(`No OCR job with id ${request.params.job_id}`, {
          details: { job_id: request.params.job_id },
        });
      }
      return toJobView(job);
    },
  );
});
