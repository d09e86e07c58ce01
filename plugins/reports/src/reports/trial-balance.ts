/** The trial balance of the period, analytic or synthetic, optionally of one account class. */
import type { TrialBalanceParams, TrialBalanceReport } from "@roa2web/reports-contract";
import { InvalidParameterError } from "../errors.js";
import { accountNames, accountTurnovers } from "../queries/trial-balance.js";
import { buildTrialBalance } from "../trial-balance-rules.js";
import { assertOneOf, defineReport } from "./definition.js";

export type TrialBalanceFilters = ReturnType<typeof trialBalanceFilters>;

/** The trial balance's level and class, checked. */
export function trialBalanceFilters(params: TrialBalanceParams) {
  const level = params.level ?? "analytic";
  assertOneOf("level", level, ["analytic", "synthetic"]);
  const accountClass = params.account_class;
  if (
    accountClass !== undefined &&
    !(Number.isInteger(accountClass) && accountClass >= 1 && accountClass <= 9)
  ) {
    throw new InvalidParameterError("account_class", "must be a whole number from 1 to 9");
  }
  return { level, accountClass };
}

export const trialBalanceReport = defineReport<
  TrialBalanceParams,
  TrialBalanceFilters,
  TrialBalanceReport
>({
  name: "trial-balance",
  span: "period",
  filters: trialBalanceFilters,
  keyFilters: (_params, { level, accountClass }) => ({ account_class: accountClass, level }),
  async load(erp, params, { level, accountClass }, { period, view }) {
    const [turnovers, names] = await Promise.all([
      accountTurnovers(erp, {
        company: params.company,
        dateFrom: period.from,
        dateUntil: period.until,
      }),
      accountNames(erp, { company: params.company }),
    ]);
    const { lines, totals } = buildTrialBalance(turnovers, { level, accountClass, names });
    return {
      company_id: params.company,
      period: view,
      level,
      account_class: accountClass ?? null,
      lines,
      totals,
    };
  },
});
