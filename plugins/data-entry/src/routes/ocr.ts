/**
 * OCR of an attachment (image or PDF): start a job (answers at once; for a PDF once it
 * is opened), then poll it or follow its events.
 */
import {
  canSeeCompany,
  defineRoutes,
  NotFoundError,
  ServiceUnavailableError,
} from "@roa2web/plugin-sdk";
import { signedInUser } from "../access.js";
import { AttachmentNotFoundError, UnreadablePdfError } from "../errors.js";
import { EventStream } from "../event-stream.js";
import type { OcrJob } from "../ocr-jobs.js";
import { getOcrSchema, ocrEventsSchema, startOcrSchema } from "../schemas.js";
import { servicesOf } from "../services.js";
import { ocrJobEvent, toOcrJobView } from "../views.js";

export default defineRoutes(async (app, { plugin }) => {
  // `services.ocr` is read per request (tests put a fake recogniser there).
  const services = servicesOf(plugin);
  const { store, storage } = services;

  /** The job, if the caller may see its company; otherwise it does not exist for them. */
  function visibleJob(request: { user: Parameters<typeof signedInUser>[0]["user"] }, id: string) {
    const user = signedInUser(request);
    const job = services.ocr?.jobs.get(id);
    if (!job || !canSeeCompany(user, job.companyId)) {
      throw new NotFoundError(`No OCR job with id ${id}`, { details: { job_id: id } });
    }
    return job;
  }

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
      const ocr = services.ocr;
      if (!ocr) {
        throw new ServiceUnavailableError("OCR is switched off (DATA_ENTRY_OCR_ENABLED=false)");
      }
      const file = await storage.read(attachment.storedName);
      const { job, opened } = ocr.jobs.submit(file, {
        attachmentId: attachment.id,
        receiptId: receipt.id,
        companyId: receipt.companyId,
      });
      // A damaged or locked PDF is the request's fault: say so now rather than 202.
      const unreadable = await opened;
      if (unreadable) throw new UnreadablePdfError(unreadable);
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
    async (request) => toOcrJobView(visibleJob(request, request.params.job_id)),
  );

  app.get<{ Params: { job_id: string } }>(
    "/ocr/:job_id/events",
    { config: { access: "data-entry:read" }, schema: ocrEventsSchema },
    async (request, reply) => {
      // Checked before the stream opens, so refusals are ordinary JSON errors.
      const job: OcrJob = visibleJob(request, request.params.job_id);
      const jobs = services.ocr?.jobs;
      // From here on the raw response is ours: no serialiser, no buffering.
      reply.hijack();
      const stream = new EventStream(reply.raw, reply.getHeaders());
      const tell = (current: OcrJob) => {
        const { event, data } = ocrJobEvent(current);
        stream.send(event, data);
        if (current.finishedAt !== null) stream.close();
      };
      tell(job);
      if (stream.closed || !jobs) return;
      stream.onClose(jobs.subscribe(job.id, tell));
      // A plugin that stops (reload, disable) ends its streams rather than hold the old routes.
      const onStop = () => stream.close();
      plugin.signal.addEventListener("abort", onStop, { once: true });
      stream.onClose(() => plugin.signal.removeEventListener("abort", onStop));
    },
  );
});
