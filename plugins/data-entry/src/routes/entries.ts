/** A receipt's accounting entries: read, replace, or replace with a proposal. */
import { defineRoutes } from "@roa2web/plugin-sdk";
import { signedInUser } from "../access.js";
import type { Receipt } from "../entities.js";
import {
  accountsOf,
  type EntryLine,
  normaliseEntryLines,
  type PaymentMethod,
  proposeEntries,
} from "../entries.js";
import { IncompleteReceiptError, UnknownAccountsError } from "../errors.js";
import { missingFields } from "../receipt-rules.js";
import { getEntriesSchema, proposeEntriesSchema, putEntriesSchema } from "../schemas.js";
import { assertEditable, missingAccounts, servicesOf, visibleReceipt } from "../services.js";
import { toEntriesView } from "../views.js";

interface EntriesBody {
  entries: Array<Omit<EntryLine, "explanation"> & { explanation?: string }>;
}

interface ProposeBody {
  payment?: PaymentMethod;
  expense_account?: string;
}

export default defineRoutes(async (app, { plugin }) => {
  const { settings, store } = servicesOf(plugin);

  async function replace(receipt: Receipt, lines: EntryLine[]) {
    const missing = await missingAccounts(plugin.erp, receipt.companyId, accountsOf(lines));
    if (missing.length > 0) throw new UnknownAccountsError(receipt.companyId, missing);
    return toEntriesView(receipt.id, await store.replaceEntries(receipt, lines));
  }

  app.get<{ Params: { id: number } }>(
    "/receipts/:id/entries",
    { config: { access: "data-entry:read" }, schema: getEntriesSchema },
    async (request) => {
      const receipt = await visibleReceipt(store, signedInUser(request), request.params.id);
      return toEntriesView(receipt.id, await store.entries(receipt.id));
    },
  );

  app.put<{ Params: { id: number }; Body: EntriesBody }>(
    "/receipts/:id/entries",
    { config: { access: "data-entry:write" }, schema: putEntriesSchema },
    async (request) => {
      const receipt = await visibleReceipt(store, signedInUser(request), request.params.id);
      assertEditable(receipt);
      const lines = normaliseEntryLines(
        request.body.entries.map((line) => ({ ...line, explanation: line.explanation ?? "" })),
      );
      const view = await replace(receipt, lines);
      plugin.logger.info(
        { reqId: request.id, receiptId: receipt.id, lines: lines.length },
        "Receipt entries replaced",
      );
      return view;
    },
  );

  app.post<{ Params: { id: number }; Body: ProposeBody | null | undefined }>(
    "/receipts/:id/entries/propose",
    { config: { access: "data-entry:write" }, schema: proposeEntriesSchema },
    async (request) => {
      const receipt = await visibleReceipt(store, signedInUser(request), request.params.id);
      assertEditable(receipt);
      const payment = request.body?.payment ?? settings.defaultPayment;
      const expense = request.body?.expense_account?.trim() ?? settings.accounts.expense;
      const { merchant, date, total, vat } = receipt;
      if (merchant === null || date === null || total === null || vat === null) {
        throw new IncompleteReceiptError(receipt.id, missingFields(receipt));
      }
      const proposal = { merchant, date, total, vat };
      const lines = proposeEntries(proposal, settings.accounts, payment, expense);
      const view = await replace(receipt, lines);
      plugin.logger.info(
        { reqId: request.id, receiptId: receipt.id, payment, expense },
        "Receipt entries proposed",
      );
      return view;
    },
  );
});
