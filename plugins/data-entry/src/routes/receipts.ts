/** Receipts: list, create, read (with history and attachments), change, delete. */
import { defineRoutes, pageWindow, toPage } from "@roa2web/plugin-sdk";
import { assertCanSeeCompany, signedInUser } from "../access.js";
import {
  type NewReceiptBody,
  newReceiptFields,
  patchedReceiptFields,
  type ReceiptPatchBody,
  todayIn,
} from "../receipt-rules.js";
import {
  createReceiptSchema,
  deleteReceiptSchema,
  getReceiptSchema,
  listReceiptsSchema,
  patchReceiptSchema,
} from "../schemas.js";
import { assertCompanyExists, assertEditable, servicesOf, visibleReceipt } from "../services.js";
import { toAttachmentView, toReceiptView, toTransitionView } from "../views.js";
import { type ReceiptStatus, reviewConflict } from "../workflow.js";

interface ListQuery {
  company: number;
  status?: ReceiptStatus;
  date_from?: string;
  date_to?: string;
  page?: number;
  page_size?: number;
}

export default defineRoutes(async (app, { plugin }) => {
  const { settings, store, storage } = servicesOf(plugin);

  app.get<{ Querystring: ListQuery }>(
    "/receipts",
    { config: { access: "data-entry:read" }, schema: listReceiptsSchema },
    async (request) => {
      const user = signedInUser(request);
      const query = request.query;
      assertCanSeeCompany(user, query.company);
      const pageRequest = {
        page: query.page ?? 1,
        pageSize: query.page_size ?? settings.defaultPageSize,
      };
      const { items, total } = await store.page(
        {
          companyId: query.company,
          status: query.status,
          dateFrom: query.date_from,
          dateTo: query.date_to,
        },
        pageWindow(pageRequest),
      );
      return toPage(items.map(toReceiptView), total, pageRequest);
    },
  );

  app.post<{ Body: NewReceiptBody }>(
    "/receipts",
    { config: { access: "data-entry:write" }, schema: createReceiptSchema },
    async (request, reply) => {
      const user = signedInUser(request);
      assertCanSeeCompany(user, request.body.company_id);
      const fields = newReceiptFields(request.body, todayIn(settings.timeZone));
      await assertCompanyExists(plugin.erp, request.body.company_id);
      const receipt = await store.create(request.body.company_id, fields, user.username);
      plugin.logger.info(
        { reqId: request.id, receiptId: receipt.id, companyId: receipt.companyId },
        "Receipt created",
      );
      return reply.status(201).send(toReceiptView(receipt));
    },
  );

  app.get<{ Params: { id: number } }>(
    "/receipts/:id",
    { config: { access: "data-entry:read" }, schema: getReceiptSchema },
    async (request) => {
      const user = signedInUser(request);
      const receipt = await visibleReceipt(store, user, request.params.id);
      const [history, attachments] = await Promise.all([
        store.history(receipt.id),
        store.attachments(receipt.id),
      ]);
      return {
        ...toReceiptView(receipt),
        history: history.map(toTransitionView),
        attachments: attachments.map(toAttachmentView),
        // So the UI can say why approve and reject are not offered to this user.
        review_blocked: settings.approverNotCreator
          ? reviewConflict(receipt.createdBy, history, user.username)
          : null,
      };
    },
  );

  app.patch<{ Params: { id: number }; Body: ReceiptPatchBody }>(
    "/receipts/:id",
    { config: { access: "data-entry:write" }, schema: patchReceiptSchema },
    async (request) => {
      const receipt = await visibleReceipt(store, signedInUser(request), request.params.id);
      assertEditable(receipt);
      const fields = patchedReceiptFields(receipt, request.body, todayIn(settings.timeZone));
      const updated = await store.updateFields(receipt, fields);
      plugin.logger.info({ reqId: request.id, receiptId: receipt.id }, "Receipt changed");
      return toReceiptView(updated);
    },
  );

  app.delete<{ Params: { id: number } }>(
    "/receipts/:id",
    { config: { access: "data-entry:write" }, schema: deleteReceiptSchema },
    async (request, reply) => {
      const receipt = await visibleReceipt(store, signedInUser(request), request.params.id);
      assertEditable(receipt);
      const files = await store.remove(receipt);
      // The rows are gone; a file that cannot be removed now is only disk space.
      for (const file of files) {
        await storage.remove(file).catch((error: unknown) => {
          plugin.logger.warn({ err: error, file }, "Could not remove an attachment file");
        });
      }
      plugin.logger.info({ reqId: request.id, receiptId: receipt.id }, "Receipt deleted");
      return reply.status(204).send();
    },
  );
});
