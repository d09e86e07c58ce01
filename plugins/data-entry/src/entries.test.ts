import { describe, expect, it } from "vitest";
import { accountsOf, balanceOf, normaliseEntryLines, proposeEntries } from "./entries.js";

const accounts = { expense: "6022", vat: "4426", supplier: "401", cash: "5311" };
const receipt = { merchant: "OMV Petrom", date: "2026-11-02", total: 121.37, vat: 19.37 };

describe("proposing entries", () => {
  it("debits the expense and deductible VAT and credits the supplier", () => {
    const lines = proposeEntries(receipt, accounts, "supplier");
    expect(lines.map(({ account, side, amount }) => [account, side, amount])).toEqual([
      ["6022", "debit", 102],
      ["4426", "debit", 19.37],
      ["401", "credit", 121.37],
    ]);
    expect(lines[0]?.explanation).toBe("Expense: OMV Petrom 2026-11-02");
    expect(balanceOf(lines).balanced).toBe(true);
  });

  it("credits cash for a receipt paid at the till, with another expense account", () => {
    const lines = proposeEntries(receipt, accounts, "cash", "604");
    expect(lines.map((line) => line.account)).toEqual(["604", "4426", "5311"]);
  });

  it("leaves out the VAT line when there is no VAT, and stays balanced in cents", () => {
    const lines = proposeEntries({ ...receipt, total: 0.3, vat: 0 }, accounts, "supplier");
    expect(lines.map((line) => line.amount)).toEqual([0.3, 0.3]);
    const awkward = proposeEntries({ ...receipt, total: 0.3, vat: 0.1 }, accounts, "cash");
    expect(awkward.map((line) => line.amount)).toEqual([0.2, 0.1, 0.3]);
    expect(balanceOf(awkward).balanced).toBe(true);
  });

  it("drops a zero expense line when the VAT is the whole total", () => {
    const lines = proposeEntries({ ...receipt, total: 5, vat: 5 }, accounts, "cash");
    expect(lines.map((line) => line.account)).toEqual(["4426", "5311"]);
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
      { account: "6022", side: "debit", amount: 10, explanation: "fuel" },
    ]);
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
