/** A receipt's accounting entries: read, replace, or replace with a proposal. */
import { defineRoutes, signedInUser, type TypeBoxTypeProvider } from "@roa2web/plugin-sdk";
import { bookingOf } from "../booking.js";
import { BOOKS_CURRENCY } from "../currencies.js";
import type { Receipt } from "../entities.js";
import { accountsOf, type EntryLine, normaliseEntryLines, proposeEntries } from "../entries.js";
import { IncompleteReceiptError, NoExchangeRateError, UnknownAccountsError } from "../errors.js";
import type { plugin } from "../plugin.js";
import { missingFields } from "../receipt-rules.js";
import { getEntriesSchema, proposeEntriesSchema, putEntriesSchema } from "../schemas.js";
import { assertEditable, missingAccounts, visibleReceipt } from "../services.js";
import { toEntriesView } from "../views.js";

export default defineRoutes<typeof plugin>(async (fastify, { deps, state }) => {
  // Request and answer types come from the schemas (schemas.ts).
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const { settings, store } = state;

  async function replace(
    receipt: Receipt,
    lines: EntryLine[],
    rate?: Pick<Receipt, "exchangeRate" | "rateMultiplier" | "rateDate">,
  ) {
    const missing = await missingAccounts(deps.erp, receipt.companyId, accountsOf(lines));
    if (missing.length > 0) throw new UnknownAccountsError(receipt.companyId, missing);
    return toEntriesView(receipt.id, await store.replaceEntries(receipt, lines, new Date(), rate));
  }

  app.get(
    "/receipts/:id/entries",
    { config: { access: "data-entry:read" }, schema: getEntriesSchema },
    async (request) => {
      const receipt = await visibleReceipt(store, signedInUser(request), request.params.id);
      return toEntriesView(receipt.id, await store.entries(receipt.id));
    },
  );

  app.put(
    "/receipts/:id/entries",
    { config: { access: "data-entry:write" }, schema: putEntriesSchema },
    async (request) => {
      const receipt = await visibleReceipt(store, signedInUser(request), request.params.id);
      assertEditable(receipt);
      const lines = normaliseEntryLines(
        request.body.entries.map((line) => ({ ...line, explanation: line.explanation ?? "" })),
      );
      const view = await replace(receipt, lines);
      deps.logger.info(
        { reqId: request.id, receiptId: receipt.id, lines: lines.length },
        "Receipt entries replaced",
      );
      return view;
    },
  );

  app.post(
    "/receipts/:id/entries/propose",
    { config: { access: "data-entry:write" }, schema: proposeEntriesSchema },
    async (request) => {
      const receipt = await visibleReceipt(store, signedInUser(request), request.params.id);
      assertEditable(receipt);
      const payment = request.body?.payment ?? settings.defaultPayment;
      const expense = request.body?.expense_account?.trim() ?? settings.accounts.expense;
      const { merchant, date, total, vat, currency } = receipt;
      if (
        merchant === null ||
        date === null ||
        total === null ||
        vat === null ||
        currency === null
      ) {
        throw new IncompleteReceiptError(receipt.id, missingFields(receipt));
      }
      const booking = await bookingOf(receipt, state, settings.accounts.supplier);
      const foreign = currency !== BOOKS_CURRENCY;
      if (foreign && booking.rate === null) throw new NoExchangeRateError(currency, date);
      const lines = proposeEntries({ merchant, date, total, vat, currency }, settings.accounts, {
        payment,
        expenseAccount: expense,
        supplierAccount: booking.supplier?.account,
        rate: booking.rate,
        language: settings.recordsLanguage,
      });
      const view = await replace(receipt, lines, {
        exchangeRate: booking.rate?.rate ?? null,
        rateMultiplier: booking.rate?.multiplier ?? null,
        rateDate: booking.rate?.date ?? null,
      });
      deps.logger.info(
        {
          reqId: request.id,
          receiptId: receipt.id,
          payment,
          expense,
          supplier: booking.supplier?.account ?? null,
          rate: booking.rate,
        },
        "Receipt entries proposed",
      );
      return view;
    },
  );
});
