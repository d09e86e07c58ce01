/**
 * OCR into receipts: POST /receipts/:id/ocr (read an attachment, fill the empty
 * fields) and POST /receipts/from-image (a new DRAFT from a photo, filled by OCR).
 */
import { defineRoutes, signedInUser, type TypeBoxTypeProvider } from "@roa2web/plugin-sdk";
import { inUploadSlot } from "../attachment-upload-slots.js";
import { AttachmentNotFoundError, UnreadablePdfError } from "../errors.js";
import { filePart } from "../file-part.js";
import { companyOfForm } from "../form-company.js";
import type { plugin } from "../plugin.js";
import { receiptFromImageSchema, receiptOcrSchema } from "../schemas.js";
import { assertEditable, visibleReceipt } from "../services.js";
import { toAttachmentView, toReceiptView, toTransitionView } from "../views.js";

export default defineRoutes<typeof plugin>(async (fastify, { deps, state }) => {
  // Request and answer types come from the schemas (schemas.ts).
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const { settings, store, receiptOcr, uploadSlots } = state;

  app.post(
    "/receipts/:id/ocr",
    { config: { access: "data-entry:write" }, schema: receiptOcrSchema },
    async (request, reply) => {
      const user = signedInUser(request);
      const receipt = await visibleReceipt(store, user, request.params.id);
      assertEditable(receipt);
      const attachment = await store.findAttachment(request.body.attachment_id);
      if (!attachment || attachment.receiptId !== receipt.id) {
        throw new AttachmentNotFoundError(request.body.attachment_id);
      }
      const { job, opened } = await receiptOcr.start(
        receipt,
        attachment,
        user.username,
        request.body.overwrite ?? false,
      );
      // A damaged or locked PDF: 400 now (the job and the receipt's ocr_status say failed).
      const unreadable = await opened;
      if (unreadable) throw new UnreadablePdfError(unreadable);
      deps.logger.info(
        { reqId: request.id, receiptId: receipt.id, jobId: job.id, attachmentId: attachment.id },
        "Receipt OCR started",
      );
      return reply.status(202).send({ job_id: job.id, state: job.state });
    },
  );

  app.post(
    "/receipts/from-image",
    { config: { access: "data-entry:write" }, schema: receiptFromImageSchema },
    async (request, reply) => {
      const user = signedInUser(request);
      const part = await filePart(
        request,
        "Send multipart/form-data with the fields `company_id` and then `file`",
      );
      // The file is streamed to disk as it arrives, so the company must be known first.
      const companyId = await companyOfForm(part, user, deps.erp, { required: true });
      const created = await inUploadSlot(uploadSlots, user.id, reply, () =>
        receiptOcr.createFromImage({
          companyId,
          by: user.username,
          fileName: part.filename,
          upload: part.file,
          maxBytes: settings.maxUploadBytes,
        }),
      );
      deps.logger.info(
        {
          reqId: request.id,
          receiptId: created.receipt.id,
          attachmentId: created.attachment.id,
          jobId: created.ocr?.job.id ?? null,
        },
        "Receipt created from an image",
      );
      const history = await store.history(created.receipt.id);
      return reply.status(201).send({
        ...toReceiptView(created.receipt),
        history: history.map(toTransitionView),
        attachments: [toAttachmentView(created.attachment)],
      });
    },
  );
});
