import { describe, expect, it } from "vitest";
import {
  accountsOf,
  balanceOf,
  type EntryLine,
  normaliseEntryLines,
  proposeEntries,
} from "./entries.js";

const accounts = {
  expense: "6022",
  vat: "4426",
  supplier: "401",
  cash: "5311",
  foreignVat: null,
};
const receipt = {
  merchant: "OMV Petrom",
  date: "2026-11-02",
  total: 121.37,
  vat: 19.37,
  currency: "RON",
};
const supplier = { payment: "supplier", language: "en" } as const;
const cash = { payment: "cash", language: "en" } as const;
const triple = (lines: EntryLine[]) =>
  lines.map(({ account, side, amount }) => [account, side, amount]);

describe("proposing entries", () => {
  it("debits the expense and deductible VAT and credits the supplier", () => {
    const lines = proposeEntries(receipt, accounts, supplier);
    expect(triple(lines)).toEqual([
      ["6022", "debit", 102],
      ["4426", "debit", 19.37],
      ["401", "credit", 121.37],
    ]);
    expect(lines[0]?.explanation).toBe("Expense: OMV Petrom 2026-11-02");
    expect(lines.every((line) => line.currencyAmount === null)).toBe(true);
    expect(balanceOf(lines).balanced).toBe(true);
  });

  it("writes its explanations in the books' language, Romanian by default", () => {
    const lines = proposeEntries(receipt, accounts, { payment: "supplier" });
    expect(lines.map((line) => line.explanation)).toEqual([
      "Cheltuială: OMV Petrom 2026-11-02",
      "TVA deductibilă: OMV Petrom 2026-11-02",
      "Datorat furnizorului: OMV Petrom 2026-11-02",
    ]);
    const paid = proposeEntries(receipt, accounts, { payment: "cash", language: "ro" });
    expect(paid.at(-1)?.explanation).toBe("Plătit în numerar: OMV Petrom 2026-11-02");
  });

  it("credits the supplier's own account when the ERP knows it", () => {
    const lines = proposeEntries(receipt, accounts, { ...supplier, supplierAccount: "401.00012" });
    expect(lines.at(-1)).toMatchObject({ account: "401.00012", side: "credit", amount: 121.37 });
  });

  it("credits cash for a receipt paid at the till, with another expense account", () => {
    const lines = proposeEntries(receipt, accounts, { ...cash, expenseAccount: "604" });
    expect(lines.map((line) => line.account)).toEqual(["604", "4426", "5311"]);
  });

  it("leaves out the VAT line when there is no VAT, and stays balanced in cents", () => {
    const lines = proposeEntries({ ...receipt, total: 0.3, vat: 0 }, accounts, supplier);
    expect(lines.map((line) => line.amount)).toEqual([0.3, 0.3]);
    const awkward = proposeEntries({ ...receipt, total: 0.3, vat: 0.1 }, accounts, cash);
    expect(awkward.map((line) => line.amount)).toEqual([0.2, 0.1, 0.3]);
    expect(balanceOf(awkward).balanced).toBe(true);
  });

  it("drops a zero expense line when the VAT is the whole total", () => {
    const lines = proposeEntries({ ...receipt, total: 5, vat: 5 }, accounts, cash);
    expect(lines.map((line) => line.account)).toEqual(["4426", "5311"]);
  });
});

describe("proposing entries for a receipt in another currency", () => {
  // The receipt: 15,69 EUR with 0,62 EUR of German VAT, at 4,9735 lei per euro.
  const euro = { merchant: "Aral", date: "2026-11-02", total: 15.69, vat: 0.62, currency: "EUR" };
  const rate = { rate: 4.9735, multiplier: 1 };

  it("books lei at the rate and keeps the foreign VAT in the expense, never in 4426", () => {
    const lines = proposeEntries(euro, accounts, { ...supplier, rate });
    // 15.69 × 4.9735 = 78.034215 → 78.03 lei.
    expect(triple(lines)).toEqual([
      ["6022", "debit", 78.03],
      ["401", "credit", 78.03],
    ]);
    expect(lines.map((line) => line.currencyAmount)).toEqual([15.69, 15.69]);
    expect(lines.some((line) => line.account === "4426")).toBe(false);
  });

  it("puts the foreign VAT on the account the company set, converted on its own", () => {
    const lines = proposeEntries(euro, { ...accounts, foreignVat: "635" }, { ...supplier, rate });
    // VAT 0.62 × 4.9735 = 3.08357 → 3.08; the net is the difference, so the lines balance.
    expect(triple(lines)).toEqual([
      ["6022", "debit", 74.95],
      ["635", "debit", 3.08],
      ["401", "credit", 78.03],
    ]);
    expect(lines.map((line) => line.currencyAmount)).toEqual([15.07, 0.62, 15.69]);
    expect(lines[1]?.explanation).toBe("Non-deductible foreign VAT: Aral 2026-11-02");
    expect(balanceOf(lines).balanced).toBe(true);
  });

  it("divides by the multiplier BNR quotes (HUF per 100)", () => {
    const forints = { ...euro, total: 12_990, vat: 2_762, currency: "HUF" };
    const lines = proposeEntries(forints, accounts, {
      ...cash,
      rate: { rate: 1.2654, multiplier: 100 },
    });
    // 12 990 × 1.2654 / 100 = 164.37546 → 164.38 lei.
    expect(triple(lines)).toEqual([
      ["6022", "debit", 164.38],
      ["5311", "credit", 164.38],
    ]);
  });

  it("refuses to guess without a rate", () => {
    expect(() => proposeEntries(euro, accounts, supplier)).toThrow(/exchange rate/);
  });
});

describe("balance", () => {
  it("needs at least one line and equal sums to the cent", () => {
    expect(balanceOf([])).toEqual({ debit: 0, credit: 0, lines: 0, balanced: false });
    expect(
      balanceOf([
        { side: "debit", amount: 0.1 },
        { side: "debit", amount: 0.2 },
        { side: "credit", amount: 0.3 },
      ]).balanced,
    ).toBe(true);
    expect(
      balanceOf([
        { side: "debit", amount: 10 },
        { side: "credit", amount: 9.99 },
      ]),
    ).toEqual({ debit: 10, credit: 9.99, lines: 2, balanced: false });
  });
});

describe("edited lines", () => {
  const line = { account: " 6022 ", side: "debit" as const, amount: 10, explanation: " fuel " };

  it("trims accounts and explanations", () => {
    expect(normaliseEntryLines([line])).toEqual([
      { account: "6022", side: "debit", amount: 10, explanation: "fuel", currencyAmount: null },
    ]);
  });

  it("keeps a line's amount in the receipt's currency, if it is money", () => {
    expect(normaliseEntryLines([{ ...line, currency_amount: 2.01 }])[0]?.currencyAmount).toBe(2.01);
    expect(() => normaliseEntryLines([{ ...line, currency_amount: -1 }])).toThrow(
      "body.entries.0.currency_amount",
    );
  });

  it("refuses amounts that are not positive money, naming the line", () => {
    expect(() => normaliseEntryLines([line, { ...line, amount: 0 }])).toThrow(
      "body.entries.1.amount must be greater than 0",
    );
    expect(() => normaliseEntryLines([{ ...line, amount: 1.001 }])).toThrow(
      "body.entries.0.amount",
    );
    expect(() => normaliseEntryLines([{ ...line, account: "  " }])).toThrow(
      "body.entries.0.account must not be blank",
    );
  });

  it("lists distinct accounts", () => {
    expect(accountsOf([{ account: "401" }, { account: "4426" }, { account: "401" }])).toEqual([
      "401",
      "4426",
    ]);
  });
});
