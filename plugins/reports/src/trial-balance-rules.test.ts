import { describe, expect, it } from "vitest";
import { buildTrialBalance, syntheticOf } from "./trial-balance-rules.js";

const turnovers = [
  // Opening: bank 1000 from capital.
  { account: "5121.01", before_debit: 1000, before_credit: 0, period_debit: 0, period_credit: 0 },
  { account: "1012", before_debit: 0, before_credit: 1000, period_debit: 0, period_credit: 0 },
  // In the period: a sale of 119 and a receipt of 100.
  {
    account: "4111.00001",
    before_debit: 0,
    before_credit: 0,
    period_debit: 119,
    period_credit: 100,
  },
  { account: "707", before_debit: 0, before_credit: 0, period_debit: 0, period_credit: 100 },
  { account: "4427", before_debit: 0, before_credit: 0, period_debit: 0, period_credit: 19 },
  { account: "5121.02", before_debit: 0, before_credit: 0, period_debit: 100, period_credit: 0 },
];
const names = new Map([["5121", "Conturi la bănci în lei"]]);

describe("buildTrialBalance", () => {
  it("balances debits and credits in every column pair", () => {
    const { lines, totals } = buildTrialBalance(turnovers, { level: "analytic", names });
    expect(lines.map((line) => line.account)).toEqual([
      "1012",
      "4111.00001",
      "4427",
      "5121.01",
      "5121.02",
      "707",
    ]);
    expect(totals).toEqual({
      opening_debit: 1000,
      opening_credit: 1000,
      period_debit: 219,
      period_credit: 219,
      closing_debit: 1119,
      closing_credit: 1119,
    });
    expect(lines.find((line) => line.account === "4111.00001")).toMatchObject({
      closing_debit: 19,
      closing_credit: 0,
    });
  });

  it("rolls analytics up to their synthetic and filters by class", () => {
    const { lines, totals } = buildTrialBalance(turnovers, {
      level: "synthetic",
      accountClass: 5,
      names,
    });
    expect(lines).toEqual([
      {
        account: "5121",
        name: "Conturi la bănci în lei",
        account_class: 5,
        opening_debit: 1000,
        opening_credit: 0,
        period_debit: 100,
        period_credit: 0,
        closing_debit: 1100,
        closing_credit: 0,
      },
    ]);
    expect(totals.closing_debit).toBe(1100);
  });

  it("knows an analytic's synthetic", () => {
    expect(syntheticOf("4111.00003")).toBe("4111");
    expect(syntheticOf("707")).toBe("707");
  });
});
