/**
 * OCR of an attachment (image or PDF): start a job (answers at once; for a PDF once it
 * is opened), then poll it or follow its events.
 */
import {
  type AuthUser,
  BadRequestError,
  canSeeCompany,
  defineRoutes,
  NotFoundError,
  ServiceUnavailableError,
  signedInUser,
  type TypeBoxTypeProvider,
  type UploadRequest,
  uploadsOf,
} from "@roa2web/plugin-sdk";
import { readUpload } from "../attachment-storage.js";
import { inUploadSlot } from "../attachment-upload-slots.js";
import { AttachmentNotFoundError, UnreadablePdfError } from "../errors.js";
import { EventStream } from "../event-stream.js";
import { fileField } from "../file-part.js";
import { companyOfForm } from "../form-company.js";
import type { OcrJob, OcrJobAbout, SubmitOptions } from "../ocr-jobs.js";
import type { plugin } from "../plugin.js";
import { getOcrSchema, ocrEventsSchema, type StartOcrBody, startOcrSchema } from "../schemas.js";
import { ocrJobEvent, toOcrJobView } from "../views.js";

export default defineRoutes<typeof plugin>(async (fastify, { deps, state, plugin: runtime }) => {
  // Request and answer types come from the schemas (schemas.ts).
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  // `state.ocr` is read per request (tests put a fake recogniser there).
  const { store, storage, settings } = state;

  /** The job, if the caller may see it (its company, or their own); otherwise it does not exist for them. */
  async function visibleJob(
    request: { user: Parameters<typeof signedInUser>[0]["user"] },
    id: string,
  ): Promise<OcrJob> {
    const user = signedInUser(request);
    // In memory, or read from Redis when the jobs are on a queue (any kernel's job).
    const job = await state.ocr?.jobs.get(id);
    const visible =
      job !== undefined &&
      (job.companyId === null ? job.owner === user.username : canSeeCompany(user, job.companyId));
    if (!visible) {
      throw new NotFoundError(`No OCR job with id ${id}`, { details: { job_id: id } });
    }
    return job;
  }

  function ocrPool() {
    const ocr = state.ocr;
    if (!ocr) {
      throw new ServiceUnavailableError("OCR is switched off (DATA_ENTRY_OCR_ENABLED=false)");
    }
    return ocr;
  }

  /** Starts the job; a damaged or locked PDF is the request's fault: 400 now rather than 202. */
  async function submit(
    file: Buffer,
    about: OcrJobAbout,
    options: SubmitOptions = {},
  ): Promise<OcrJob> {
    const { job, opened } = await ocrPool().jobs.submit(file, about, options);
    const unreadable = await opened;
    if (unreadable) throw new UnreadablePdfError(unreadable);
    return job;
  }

  /** `{attachment_id}`: an attachment already stored with a receipt the caller may see. */
  async function startForAttachment(user: AuthUser, attachmentId: string) {
    const attachment = await store.findAttachment(attachmentId);
    if (!attachment) throw new AttachmentNotFoundError(attachmentId);
    const receipt = await store.find(attachment.receiptId);
    // Another company's attachment does not exist for this caller.
    if (!receipt || !canSeeCompany(user, receipt.companyId)) {
      throw new AttachmentNotFoundError(attachment.id);
    }
    ocrPool();
    return submit(
      await storage.read(attachment),
      {
        attachmentId: attachment.id,
        receiptId: receipt.id,
        companyId: receipt.companyId,
        owner: user.username,
      },
      { attachment: { id: attachment.id, storedName: attachment.storedName } },
    );
  }

  /**
   * Multipart `file` (optionally after a `company_id` field): an image or PDF read in memory,
   * never stored. With a company the job is visible to that company's users, without
   * one only to its owner.
   */
  async function startForUpload(user: AuthUser, request: UploadRequest) {
    const part = await fileField(
      request,
      "body.file is required (multipart/form-data field `file`)",
    );
    const companyId = (await companyOfForm(part, user, deps.erp, { required: false })) ?? null;
    // The upload is checked (size 413, type 415, a body cut short 400) before whether OCR
    // runs at all: a bad request says what is wrong with it even when OCR is off.
    const { bytes } = await readUpload(part.file, settings.maxUploadBytes);
    ocrPool();
    return submit(bytes, { attachmentId: null, receiptId: null, companyId, owner: user.username });
  }

  // JSON or multipart (the schema's `content`): the JSON body's type, or none.
  app.post<{ Body: StartOcrBody | undefined }>(
    "/ocr",
    { config: { access: "data-entry:write" }, schema: startOcrSchema },
    async (request, reply) => {
      const user = signedInUser(request);
      const multipart = uploadsOf(request);
      let job: OcrJob;
      if (multipart.isMultipart()) {
        job = await inUploadSlot(state.uploadSlots, user.id, reply, () =>
          startForUpload(user, multipart),
        );
      } else if (request.body?.attachment_id !== undefined) {
        job = await startForAttachment(user, request.body.attachment_id);
      } else {
        throw new BadRequestError(
          "Send JSON {attachment_id} or multipart/form-data with the file in the field `file`",
          { details: { field: "file" } },
        );
      }
      deps.logger.info(
        { reqId: request.id, jobId: job.id, attachmentId: job.attachmentId },
        "OCR job started",
      );
      return reply.status(202).send({ job_id: job.id, state: job.state });
    },
  );

  app.get(
    "/ocr/:job_id",
    { config: { access: "data-entry:read" }, schema: getOcrSchema },
    async (request) => toOcrJobView(await visibleJob(request, request.params.job_id)),
  );

  app.get(
    "/ocr/:job_id/events",
    { config: { access: "data-entry:read" }, schema: ocrEventsSchema },
    async (request, reply) => {
      // Checked before the stream opens, so refusals are ordinary JSON errors.
      const job: OcrJob = await visibleJob(request, request.params.job_id);
      const jobs = state.ocr?.jobs;
      // Listening before the stream opens: on a queue the news comes from Redis.
      const news: OcrJob[] = [];
      let tell: (current: OcrJob) => void = (current) => news.push(current);
      const stopListening =
        jobs && job.finishedAt === null
          ? await jobs.subscribe(job.id, (current) => tell(current))
          : () => {};
      // From here on the raw response is ours: no serialiser, no buffering.
      reply.hijack();
      const stream = new EventStream(reply.raw, reply.getHeaders());
      tell = (current: OcrJob) => {
        const { event, data } = ocrJobEvent(current);
        stream.send(event, data);
        if (current.finishedAt !== null) stream.close();
      };
      stream.onClose(stopListening);
      tell(job);
      for (const current of news.splice(0)) tell(current);
      if (stream.closed) return;
      // A plugin that stops (reload, disable) ends its streams rather than hold the old
      // routes, telling the client to reconnect (to the next instance).
      const onStop = () => stream.reconnect("plugin-stopping");
      runtime.signal.addEventListener("abort", onStop, { once: true });
      stream.onClose(() => runtime.signal.removeEventListener("abort", onStop));
    },
  );
});
