/** Cash and bank accounts over the period (opening, receipts, payments, closing) and a page of movements. */

import type { TreasuryParams, TreasuryReport } from "@roa2web/reports-contract";
import { fromBani, toBani } from "../aging.js";
import { type PageRequest, pageInfo, pageRequest, pageWindow } from "../pagination.js";
import { treasuryAccounts, treasuryMovementPage } from "../queries/treasury.js";
import { sumFigures } from "./amounts.js";
import { defineReport } from "./definition.js";

export const treasuryReport = defineReport<TreasuryParams, PageRequest, TreasuryReport>({
  name: "treasury",
  span: "period",
  filters: (params) => pageRequest(params.page, params.page_size),
  keyFilters: (params, page) => ({
    account: params.account,
    page: page.page,
    page_size: page.pageSize,
  }),
  async load(erp, params, page, { period, view }) {
    const company = params.company;
    const range = { company, dateFrom: period.from, dateUntil: period.until };
    const [accounts, movements] = await Promise.all([
      treasuryAccounts(erp, { ...range, account: params.account }),
      treasuryMovementPage(erp, { ...range, account: params.account, window: pageWindow(page) }),
    ]);
    const views = accounts.map((account) => ({
      ...account,
      closing: fromBani(
        toBani(account.opening) + toBani(account.receipts) - toBani(account.payments),
      ),
    }));
    return {
      company_id: company,
      period: view,
      accounts: views,
      totals: {
        cash: sumFigures(views.filter((account) => account.kind === "cash")),
        bank: sumFigures(views.filter((account) => account.kind === "bank")),
      },
      movements: { items: movements.rows, ...pageInfo(movements.total, page) },
    };
  },
});
