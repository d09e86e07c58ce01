/**
 * Attachments: upload (multipart field `file`, type recognised from the content and
 * verified, at most DATA_ENTRY_MAX_ATTACHMENTS per receipt and
 * DATA_ENTRY_UPLOADS_PER_USER at once) and download (streamed with the type
 * recognised at upload, named with its extension).
 */
import {
  canSeeCompany,
  defineRoutes,
  type Static,
  signedInUser,
  type TypeBoxTypeProvider,
} from "@roa2web/plugin-sdk";
import { contentDisposition, sanitiseDisplayName } from "../attachment-rules.js";
import { storeUpload } from "../attachment-storage.js";
import { inUploadSlot } from "../attachment-upload-slots.js";
import type { Attachment } from "../entities.js";
import { AttachmentNotFoundError, TooManyAttachmentsError } from "../errors.js";
import { filePart } from "../file-part.js";
import type { plugin } from "../plugin.js";
import { downloadAttachmentSchema, uploadAttachmentSchema } from "../schemas.js";
import { assertEditable, visibleReceipt } from "../services.js";
import { toAttachmentView } from "../views.js";

export default defineRoutes<typeof plugin>(async (fastify, { deps, state }) => {
  // Request and answer types come from the schemas (schemas.ts).
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const { settings, store, storage, uploadSlots } = state;

  app.post(
    "/receipts/:id/attachments",
    { config: { access: "data-entry:write" }, schema: uploadAttachmentSchema },
    (request, reply) => {
      const user = signedInUser(request);
      return inUploadSlot(uploadSlots, user.id, reply, async () => {
        const receipt = await visibleReceipt(store, user, request.params.id);
        assertEditable(receipt);
        // Before the bytes are read: a full receipt need not cost a 20 MB upload.
        // addAttachment checks again in its transaction (two uploads may race).
        const count = (await store.attachments(receipt.id)).length;
        if (count >= settings.maxAttachmentsPerReceipt) {
          throw new TooManyAttachmentsError(receipt.id, settings.maxAttachmentsPerReceipt);
        }
        const part = await filePart(
          request,
          "Send the file as multipart/form-data in the field `file`",
        );
        const attachment = await storeUpload(
          storage,
          part.file,
          settings.maxUploadBytes,
          async (stored, keep) => {
            const attachment: Attachment = {
              id: stored.id,
              receiptId: receipt.id,
              storedName: stored.storedName,
              displayName: sanitiseDisplayName(part.filename, stored.mime),
              mime: stored.mime,
              size: stored.size,
              sha256: stored.sha256,
              createdAt: new Date(),
            };
            await store.addAttachment(receipt, attachment, settings.maxAttachmentsPerReceipt, keep);
            return attachment;
          },
        );
        deps.logger.info(
          {
            reqId: request.id,
            receiptId: receipt.id,
            attachmentId: attachment.id,
            size: attachment.size,
            storage: storage.kind,
          },
          "Attachment stored",
        );
        return reply.status(201).send(toAttachmentView(attachment));
      });
    },
  );

  // The answer is the file's stream, not JSON: this route is typed by its params only.
  fastify.get<{ Params: Static<typeof downloadAttachmentSchema.params> }>(
    "/attachments/:id",
    { config: { access: "data-entry:read" }, schema: downloadAttachmentSchema },
    async (request, reply) => {
      const user = signedInUser(request);
      const attachment = await store.findAttachment(request.params.id);
      const receipt = attachment ? await store.find(attachment.receiptId) : null;
      if (!attachment || !receipt || !canSeeCompany(user, receipt.companyId)) {
        throw new AttachmentNotFoundError(request.params.id);
      }
      // Opened before any header: bytes that are nowhere answer 404 ATTACHMENT_BYTES_MISSING.
      const bytes = await storage.open(attachment);
      return (
        reply
          .type(attachment.mime)
          .header("content-length", attachment.size)
          // Sanitised again: a row stored before names took the sniffed type's extension.
          .header(
            "content-disposition",
            contentDisposition(sanitiseDisplayName(attachment.displayName, attachment.mime)),
          )
          .header("x-content-type-options", "nosniff")
          .header("cache-control", "private, no-store")
          .send(bytes)
      );
    },
  );
});
