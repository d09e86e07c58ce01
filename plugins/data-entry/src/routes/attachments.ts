/**
 * Attachments: upload (multipart field `file`, type recognised from the content) and
 * download (streamed with the type recognised at upload).
 */
import { BadRequestError, canSeeCompany, defineRoutes, uploadsOf } from "@roa2web/plugin-sdk";
import { signedInUser } from "../access.js";
import { contentDisposition, sanitiseDisplayName } from "../attachment-rules.js";
import type { Attachment } from "../entities.js";
import { AttachmentNotFoundError } from "../errors.js";
import { downloadAttachmentSchema, uploadAttachmentSchema } from "../schemas.js";
import { assertEditable, servicesOf, visibleReceipt } from "../services.js";
import { toAttachmentView } from "../views.js";

export default defineRoutes(async (app, { plugin }) => {
  const { settings, store, storage } = servicesOf(plugin);

  app.post<{ Params: { id: number } }>(
    "/receipts/:id/attachments",
    { config: { access: "data-entry:write" }, schema: uploadAttachmentSchema },
    async (request, reply) => {
      const receipt = await visibleReceipt(store, signedInUser(request), request.params.id);
      assertEditable(receipt);
      const multipart = uploadsOf(request);
      if (!multipart.isMultipart()) {
        throw new BadRequestError("Send the file as multipart/form-data in the field `file`", {
          details: { field: "file" },
        });
      }
      const part = await multipart.file();
      if (part?.fieldname !== "file") {
        part?.file.resume();
        throw new BadRequestError("body.file is required", { details: { field: "file" } });
      }
      const stored = await storage.save(part.file, settings.maxUploadBytes);
      const attachment: Attachment = {
        id: stored.id,
        receiptId: receipt.id,
        storedName: stored.storedName,
        displayName: sanitiseDisplayName(part.filename),
        mime: stored.mime,
        size: stored.size,
        sha256: stored.sha256,
        createdAt: new Date(),
      };
      try {
        await store.addAttachment(receipt, attachment);
      } catch (error) {
        await storage.remove(stored.storedName);
        throw error;
      }
      plugin.logger.info(
        {
          reqId: request.id,
          receiptId: receipt.id,
          attachmentId: attachment.id,
          size: stored.size,
        },
        "Attachment stored",
      );
      return reply.status(201).send(toAttachmentView(attachment));
    },
  );

  app.get<{ Params: { id: string } }>(
    "/attachments/:id",
    { config: { access: "data-entry:read" }, schema: downloadAttachmentSchema },
    async (request, reply) => {
      const user = signedInUser(request);
      const attachment = await store.findAttachment(request.params.id);
      const receipt = attachment ? await store.find(attachment.receiptId) : null;
      if (!attachment || !receipt || !canSeeCompany(user, receipt.companyId)) {
        throw new AttachmentNotFoundError(request.params.id);
      }
      return reply
        .type(attachment.mime)
        .header("content-length", attachment.size)
        .header("content-disposition", contentDisposition(attachment.displayName))
        .header("x-content-type-options", "nosniff")
        .header("cache-control", "private, no-store")
        .send(storage.open(attachment.storedName));
    },
  );
});
