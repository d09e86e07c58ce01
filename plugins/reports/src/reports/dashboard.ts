/** The dashboard: the period's figures and the 12 months ending with it. */

import type { DashboardReport, PeriodParams } from "@roa2web/reports-contract";
import { ageOutstanding } from "../aging.js";
import { monthsEndingWith } from "../period.js";
import { SERIES_MONTHS } from "../period-resolver.js";
import { monthlyTurnover, periodTurnover, treasuryBalances } from "../queries/dashboard.js";
import { openInvoicesByDueDate } from "../queries/invoices.js";
import { difference } from "./amounts.js";
import { defineReport, NO_FILTERS } from "./definition.js";

export const dashboardReport = defineReport<PeriodParams, undefined, DashboardReport>({
  name: "dashboard",
  span: "series",
  filters: () => undefined,
  keyFilters: () => NO_FILTERS,
  async load(erp, { company }, _filters, { period, view, asOfUntil }) {
    const series = monthsEndingWith(period.to, SERIES_MONTHS);
    const seriesFrom = `${series[0]}-01`;
    const [turnover, balances, monthly, receivables, payables] = await Promise.all([
      periodTurnover(erp, { company, dateFrom: period.from, dateUntil: period.until }),
      treasuryBalances(erp, { company, asOfUntil }),
      monthlyTurnover(erp, { company, dateFrom: seriesFrom, dateUntil: period.until }),
      openInvoicesByDueDate(erp, { company, kind: "client", asOfUntil }),
      openInvoicesByDueDate(erp, { company, kind: "supplier", asOfUntil }),
    ]);
    const byMonth = new Map(monthly.map((row) => [row.month, row]));
    const receivablesAging = ageOutstanding(receivables, view.as_of);
    const payablesAging = ageOutstanding(payables, view.as_of);
    return {
      company_id: company,
      period: view,
      revenue: turnover.revenue,
      expenses: turnover.expenses,
      result: difference(turnover.revenue, turnover.expenses),
      cash: balances.cash,
      bank: balances.bank,
      receivables: { total: receivablesAging.total, overdue: receivablesAging.overdue },
      payables: { total: payablesAging.total, overdue: payablesAging.overdue },
      series: series.map((month) => {
        const row = byMonth.get(month);
        const revenue = row?.revenue ?? 0;
        const expenses = row?.expenses ?? 0;
        return { month, revenue, expenses, result: difference(revenue, expenses) };
      }),
    };
  },
});
