/** Receipts: list, create, read (with history and attachments), change, delete. */
import {
  assertCanSeeCompany,
  defineRoutes,
  pageWindow,
  signedInUser,
  type TypeBoxTypeProvider,
  toPage,
} from "@roa2web/plugin-sdk";
import { type BookingNotice, bookingOf, supplierView } from "../booking.js";
import { InvalidFieldError } from "../errors.js";
import type { plugin } from "../plugin.js";
import { newReceiptFields, patchedReceiptFields, todayIn } from "../receipt-rules.js";
import type { ReceiptFilter } from "../receipts-store.js";
import {
  createReceiptSchema,
  deleteReceiptSchema,
  getReceiptSchema,
  type ListReceiptsQuery,
  listReceiptsSchema,
  patchReceiptSchema,
} from "../schemas.js";
import {
  assertCompanyExists,
  assertCompanyUsable,
  assertEditable,
  closedPeriodOf,
  visibleReceipt,
} from "../services.js";
import { receiptWarnings, toAttachmentView, toReceiptView, toTransitionView } from "../views.js";
import { reviewConflict } from "../workflow.js";

/** The first and last day of a `YYYY-MM` month. */
function periodDays(period: string): { first: string; last: string } {
  const [year, month] = period.split("-").map(Number) as [number, number];
  const days = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return { first: `${period}-01`, last: `${period}-${String(days).padStart(2, "0")}` };
}

/** The list's date window: a period narrows date_from/date_to; from after to is refused. */
function listDates(
  query: ListReceiptsQuery,
): Pick<ReceiptFilter, "dateFrom" | "dateTo" | "undated"> {
  if (query.date_from && query.date_to && query.date_from > query.date_to) {
    throw new InvalidFieldError(
      "querystring.date_from",
      "must be on or before querystring.date_to",
    );
  }
  if (!query.period) return { dateFrom: query.date_from, dateTo: query.date_to };
  const { first, last } = periodDays(query.period);
  return {
    dateFrom: query.date_from && query.date_from > first ? query.date_from : first,
    dateTo: query.date_to && query.date_to < last ? query.date_to : last,
    // A receipt from a photo has no date until OCR reads it: it is this month's work.
    undated: true,
  };
}

export default defineRoutes<typeof plugin>(async (fastify, { deps, state }) => {
  // Request and answer types come from the schemas (schemas.ts).
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const { settings, store, storage } = state;

  app.get(
    "/receipts",
    { config: { access: "data-entry:read" }, schema: listReceiptsSchema },
    async (request) => {
      const query = request.query;
      await assertCompanyUsable(deps.erp, signedInUser(request), query.company);
      const dates = listDates(query);
      const pageRequest = {
        page: query.page ?? 1,
        pageSize: query.page_size ?? settings.defaultPageSize,
      };
      const { items, total } = await store.page(
        {
          companyId: query.company,
          status: query.status,
          ...dates,
        },
        pageWindow(pageRequest),
      );
      return toPage(items.map(toReceiptView), total, pageRequest);
    },
  );

  app.post(
    "/receipts",
    { config: { access: "data-entry:write" }, schema: createReceiptSchema },
    async (request, reply) => {
      const user = signedInUser(request);
      assertCanSeeCompany(user, request.body.company_id);
      const fields = newReceiptFields(request.body, todayIn(settings.timeZone));
      await assertCompanyExists(deps.erp, request.body.company_id);
      const receipt = await store.create(request.body.company_id, fields, user.username);
      deps.logger.info(
        { reqId: request.id, receiptId: receipt.id, companyId: receipt.companyId },
        "Receipt created",
      );
      return reply.status(201).send(toReceiptView(receipt));
    },
  );

  app.get(
    "/receipts/:id",
    { config: { access: "data-entry:read" }, schema: getReceiptSchema },
    async (request) => {
      const user = signedInUser(request);
      const receipt = await visibleReceipt(store, user, request.params.id);
      const [history, attachments, booking, closedPeriod] = await Promise.all([
        store.history(receipt.id),
        store.attachments(receipt.id),
        // The page still opens when the ERP cannot answer (down, or no exchange_rates view
        // yet): without the supplier and rate notes, which propose and submit check anyway.
        bookingOf(receipt, state, settings.accounts.supplier).catch((error: unknown) => {
          deps.logger.warn(
            { err: error, reqId: request.id, receiptId: receipt.id },
            "Could not read the receipt's supplier or exchange rate from the ERP",
          );
          return { supplier: null, notices: receiptWarnings(receipt) as BookingNotice[] };
        }),
        receipt.date ? closedPeriodOf(deps.erp, receipt.companyId, receipt.date) : null,
      ]);
      return {
        ...toReceiptView(receipt),
        history: history.map(toTransitionView),
        attachments: attachments.map(toAttachmentView),
        supplier: supplierView(booking.supplier),
        notices: booking.notices,
        period_closed: closedPeriod !== null,
        // So the UI can say why approve and reject are not offered to this user.
        review_blocked: settings.approverNotCreator
          ? reviewConflict(receipt.createdBy, history, user.username)
          : null,
      };
    },
  );

  app.patch(
    "/receipts/:id",
    { config: { access: "data-entry:write" }, schema: patchReceiptSchema },
    async (request) => {
      const receipt = await visibleReceipt(store, signedInUser(request), request.params.id);
      assertEditable(receipt);
      const fields = patchedReceiptFields(receipt, request.body, todayIn(settings.timeZone));
      // The entries' rate belongs to the old date or currency: submitting needs a new proposal.
      const rateStale = fields.date !== receipt.date || fields.currency !== receipt.currency;
      const updated = await store.updateFields(
        receipt,
        rateStale
          ? { ...fields, exchangeRate: null, rateMultiplier: null, rateDate: null }
          : fields,
      );
      deps.logger.info({ reqId: request.id, receiptId: receipt.id }, "Receipt changed");
      return toReceiptView(updated);
    },
  );

  app.delete(
    "/receipts/:id",
    { config: { access: "data-entry:write" }, schema: deleteReceiptSchema },
    async (request, reply) => {
      const receipt = await visibleReceipt(store, signedInUser(request), request.params.id);
      assertEditable(receipt);
      const files = await store.remove(receipt);
      // The rows are gone; a file that cannot be removed now is only disk space.
      for (const file of files) {
        await storage.remove(file).catch((error: unknown) => {
          deps.logger.warn(
            { err: error, file: file.storedName },
            "Could not remove an attachment file",
          );
        });
      }
      deps.logger.info({ reqId: request.id, receiptId: receipt.id }, "Receipt deleted");
      return reply.status(204).send(null);
    },
  );
});
