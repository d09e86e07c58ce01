import { describe, expect, it } from "vitest";
import { buildTrialBalance, syntheticOf, TrialBalanceFolder } from "./trial-balance-rules.js";

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
      total_debit: 1219,
      total_credit: 1219,
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
        total_debit: 1100,
        total_credit: 0,
        closing_debit: 1100,
        closing_credit: 0,
      },
    ]);
    expect(totals.closing_debit).toBe(1100);
  });

  it("adds the “Total sume” columns: the opening balance plus the turnover, each side", () => {
    // A supplier owed 500 at the start; paid 300, billed 200 more in the period.
    const { lines, totals } = buildTrialBalance(
      [
        {
          account: "401",
          before_debit: 700,
          before_credit: 1200,
          period_debit: 300,
          period_credit: 200,
        },
        {
          account: "5121",
          before_debit: 900,
          before_credit: 400,
          period_debit: 0,
          period_credit: 300,
        },
        { account: "6022", before_debit: 0, before_credit: 0, period_debit: 200, period_credit: 0 },
      ],
      { level: "analytic", names },
    );
    expect(lines.find((line) => line.account === "401")).toMatchObject({
      opening_debit: 0,
      opening_credit: 500,
      period_debit: 300,
      period_credit: 200,
      total_debit: 300,
      total_credit: 700,
      closing_debit: 0,
      closing_credit: 400,
    });
    for (const line of lines) {
      expect(line.total_debit).toBe(line.opening_debit + line.period_debit);
      expect(line.total_credit).toBe(line.opening_credit + line.period_credit);
      expect(line.total_debit - line.total_credit).toBe(line.closing_debit - line.closing_credit);
    }
    expect(totals.total_debit).toBe(totals.total_credit);
    expect(totals.total_debit).toBe(totals.opening_debit + totals.period_debit);
  });

  it("knows an analytic's synthetic", () => {
    expect(syntheticOf("4111.00003")).toBe("4111");
    expect(syntheticOf("707")).toBe("707");
  });
});

describe("TrialBalanceFolder", () => {
  const sorted = [
    ...turnovers,
    { account: "401", before_debit: 0, before_credit: 0, period_debit: 0, period_credit: 0 },
  ].sort((a, b) => (a.account < b.account ? -1 : 1));

  function fold(options: { level: "analytic" | "synthetic"; accountClass?: number }) {
    const folder = new TrialBalanceFolder({ ...options, names });
    const lines = [];
    for (const row of sorted) {
      const line = folder.add(row);
      if (line) lines.push(line);
    }
    const last = folder.finish();
    if (last) lines.push(last);
    return { lines, totals: folder.totals() };
  }

  it.each([
    { level: "analytic" as const },
    { level: "synthetic" as const },
    { level: "synthetic" as const, accountClass: 5 },
    { level: "analytic" as const, accountClass: 4 },
  ])("builds the same lines and totals as buildTrialBalance (%o)", (options) => {
    expect(fold(options)).toEqual(buildTrialBalance(sorted, { ...options, names }));
  });

  it("rolls analytics up while they stream past", () => {
    const { lines } = fold({ level: "synthetic" });
    expect(lines.find((line) => line.account === "5121")).toMatchObject({
      name: "Conturi la bănci în lei",
      opening_debit: 1000,
      period_debit: 100,
      total_debit: 1100,
      closing_debit: 1100,
    });
  });

  it("refuses rows out of account order rather than split an account", () => {
    const folder = new TrialBalanceFolder({ level: "analytic", names });
    folder.add(sorted[1] as (typeof sorted)[number]);
    expect(() => folder.add(sorted[0] as (typeof sorted)[number])).toThrow(/out of order/);
  });
});
