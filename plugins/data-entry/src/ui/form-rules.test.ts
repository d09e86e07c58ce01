import { describe, expect, it } from "vitest";
import {
  amountText,
  entryTotals,
  filterFromQuery,
  filterToQuery,
  parseAmount,
  partnerNamed,
  RECEIPT_FIELDS,
  type ReceiptFormValues,
  receiptFormValues,
  toAccountOptions,
  toEditableLines,
  toEntryBody,
  toPartnerOptions,
  toReceiptBody,
  toReceiptPatch,
  validateReceiptForm,
} from "./form-rules.js";

const valid: ReceiptFormValues = {
  merchant: " OMV Petrom ",
  tax_id: "ro1590082",
  date: "2026-01-15",
  total: "121,00",
  vat: "21",
  currency: "ron",
  notes: "",
};

describe("parseAmount", () => {
  it("reads decimal commas, points and thousands groups", () => {
    expect(parseAmount("12,50")).toBe(12.5);
    expect(parseAmount("12.5")).toBe(12.5);
    expect(parseAmount("1.234,56")).toBe(1234.56);
    expect(parseAmount("1,234.56")).toBe(1234.56);
    expect(parseAmount("1 234,5")).toBe(1234.5);
    expect(parseAmount("1.234")).toBe(1234);
    expect(parseAmount("1.234.567")).toBe(1234567);
    expect(parseAmount("0,125")).toBe(0.125);
    expect(parseAmount("12.")).toBe(12);
    expect(parseAmount("abc")).toBeNaN();
    expect(parseAmount("12,5x")).toBeNaN();
  });
});

describe("validateReceiptForm mirrors the server's rules", () => {
  it("accepts a valid receipt and builds the body", () => {
    expect(validateReceiptForm(valid, "2026-02-01")).toEqual({});
    expect(toReceiptBody(valid)).toEqual({
      merchant: "OMV Petrom",
      tax_id: "RO1590082",
      date: "2026-01-15",
      total: 121,
      vat: 21,
      currency: "RON",
      notes: null,
    });
  });

  it("names each broken field", () => {
    const errors = validateReceiptForm(
      { ...valid, merchant: "  ", date: "2026-02-30", total: "0", vat: "-1", currency: "RO" },
      "2026-03-01",
    );
    expect(errors).toEqual({
      merchant: "data-entry.rule.merchantRequired",
      date: "data-entry.rule.dateInvalid",
      total: "data-entry.rule.totalPositive",
      vat: "data-entry.rule.vatNegative",
      currency: "data-entry.rule.currency",
    });
  });

  it("refuses a future date, VAT above the total and three decimals", () => {
    expect(validateReceiptForm({ ...valid, date: "2026-01-16" }, "2026-01-15").date).toBe(
      "data-entry.rule.dateFuture",
    );
    expect(validateReceiptForm({ ...valid, vat: "122" }, "2026-02-01").vat).toBe(
      "data-entry.rule.vatAboveTotal",
    );
    expect(validateReceiptForm({ ...valid, total: "0,125" }, "2026-02-01").total).toBe(
      "data-entry.rule.twoDecimals",
    );
  });
});

describe("a DRAFT from a photo, with null fields", () => {
  const draft = {
    merchant: null,
    tax_id: null,
    date: "2020-03-02",
    total: 24.23,
    vat: null,
    currency: null,
    notes: null,
  };

  it("shows null fields as empty inputs, never as null or 0", () => {
    expect(receiptFormValues(draft, ",")).toEqual({
      merchant: "",
      tax_id: "",
      date: "2020-03-02",
      total: "24,23",
      vat: "",
      currency: "",
      notes: "",
    });
  });

  it("lets the still-missing fields stay blank and leaves them out of the PATCH", () => {
    const values = receiptFormValues(draft);
    const missing = ["merchant", "vat", "currency"] as const;
    expect(validateReceiptForm(values, "2026-01-01")).toMatchObject({
      merchant: "data-entry.rule.merchantRequired",
      vat: "data-entry.rule.number",
      currency: "data-entry.rule.currency",
    });
    expect(validateReceiptForm(values, "2026-01-01", missing)).toEqual({});
    expect(toReceiptPatch(values, RECEIPT_FIELDS)).toEqual({
      tax_id: "",
      date: "2020-03-02",
      total: 24.23,
      notes: null,
    });
    // A filled missing field is checked as usual, VAT against the total.
    expect(validateReceiptForm({ ...values, vat: "30" }, "2026-01-01", missing)).toEqual({
      vat: "data-entry.rule.vatAboveTotal",
    });
    // A field that is not missing may not be blanked.
    expect(validateReceiptForm({ ...values, total: "" }, "2026-01-01", missing)).toEqual({
      total: "data-entry.rule.number",
    });
  });

  it("sends only the fields asked for", () => {
    expect(toReceiptPatch(valid, ["merchant", "total"])).toEqual({
      merchant: "OMV Petrom",
      total: 121,
    });
  });
});

describe("nomenclature answers", () => {
  it("takes code and name from the accounts page", () => {
    expect(
      toAccountOptions({
        items: [
          {
            code: "401",
            name: "Furnizori",
            class: 4,
            kind: "P",
            level: "synthetic1",
            parent_code: null,
          } as { code: string; name: string },
        ],
      }),
    ).toEqual([{ code: "401", name: "Furnizori" }]);
  });

  it("finds the partner a merchant names, ignoring case and spaces", () => {
    const options = toPartnerOptions({
      items: [
        { id: 1, name: "OMV Petrom SA", tax_id: "RO1590082", kind: "supplier", city: null } as {
          name: string;
          tax_id: string;
        },
      ],
    });
    expect(options).toEqual([{ name: "OMV Petrom SA", tax_id: "RO1590082" }]);
    expect(partnerNamed(options, " omv  petrom sa ")?.tax_id).toBe("RO1590082");
    expect(partnerNamed(options, "OMV")).toBeUndefined();
  });
});

describe("list filters <-> URL query", () => {
  it("round-trips and drops malformed values", () => {
    const filter = filterFromQuery(
      new URLSearchParams("status=PENDING&date_from=2026-01-01&date_to=2026-13-01&page=3"),
    );
    expect(filter).toEqual({ status: "PENDING", date_from: "2026-01-01", date_to: "", page: 3 });
    expect(filterToQuery(filter)).toEqual({
      status: "PENDING",
      date_from: "2026-01-01",
      date_to: undefined,
      page: 3,
    });
    expect(filterFromQuery(new URLSearchParams("status=NOPE&page=-2"))).toEqual({
      status: "",
      date_from: "",
      date_to: "",
      page: 1,
    });
  });
});

describe("entryTotals", () => {
  const lines = toEditableLines([
    { account: "6022", side: "debit", amount: 100, explanation: "" },
    { account: "4426", side: "debit", amount: 21, explanation: "TVA" },
    { account: "401", side: "credit", amount: 121, explanation: "" },
  ]);

  it("balances in cents", () => {
    expect(entryTotals(lines)).toEqual({ debit: 121, credit: 121, balanced: true, invalid: [] });
    const tenths = [
      { account: "6022", debit: "0,1", credit: "", explanation: "" },
      { account: "6022", debit: "0.2", credit: "", explanation: "" },
      { account: "401", debit: "", credit: "0,30", explanation: "" },
    ];
    expect(entryTotals(tenths).balanced).toBe(true);
  });

  it("is not balanced when the sides differ, a line is incomplete, or there are no lines", () => {
    expect(entryTotals([]).balanced).toBe(false);
    const off = lines.map((line, index) => (index === 2 ? { ...line, credit: "120" } : line));
    expect(entryTotals(off)).toMatchObject({ debit: 121, credit: 120, balanced: false });
    const both = [...lines, { account: "401", debit: "1", credit: "1", explanation: "" }];
    expect(entryTotals(both).invalid).toEqual([3]);
    const noAccount = [...lines, { account: "x", debit: "", credit: "", explanation: "" }];
    expect(entryTotals(noAccount).balanced).toBe(false);
  });

  it("writes amounts with the language's decimal separator and reads them back", () => {
    const romanian = toEditableLines(
      [{ account: "401", side: "credit", amount: 1234.5, explanation: "" }],
      ",",
    );
    expect(romanian[0]?.credit).toBe("1.234,50");
    expect(toEntryBody(romanian)[0]?.amount).toBe(1234.5);
  });

  it("sends back a line's amount in the receipt's currency only while its lei amount stands", () => {
    const euro = toEditableLines(
      [
        { account: "6022", side: "debit", amount: 78.03, explanation: "", currency_amount: 15.69 },
        { account: "401", side: "credit", amount: 78.03, explanation: "", currency_amount: 15.69 },
      ],
      ",",
    );
    const edited = euro.map((line, index) => (index === 1 ? { ...line, credit: "78,00" } : line));
    expect(toEntryBody(edited).map((line) => line.currency_amount)).toEqual([15.69, undefined]);
    const moved = euro.map((line, index) =>
      index === 0 ? { ...line, debit: "", credit: "78,03" } : line,
    );
    expect(toEntryBody(moved)[0]?.currency_amount).toBeUndefined();
  });

  it("turns edited lines back into the API's", () => {
    expect(toEntryBody(lines)).toEqual([
      { account: "6022", side: "debit", amount: 100, explanation: "" },
      { account: "4426", side: "debit", amount: 21, explanation: "TVA" },
      { account: "401", side: "credit", amount: 121, explanation: "" },
    ]);
  });
});

describe("amountText", () => {
  it("writes amounts as the totals show them, and parseAmount reads them back", () => {
    expect(amountText(1234.5, ",")).toBe("1.234,50");
    expect(amountText(1234.5, ".")).toBe("1,234.50");
    expect(amountText(1234567.89, ",")).toBe("1.234.567,89");
    expect(amountText(12.3, ",")).toBe("12,30");
    expect(amountText(-1234, ",")).toBe("-1.234,00");
    expect(amountText(null, ",")).toBe("");
    for (const value of [0.01, 12.3, 999.99, 1000, 1234.56, 1234567.89]) {
      expect(parseAmount(amountText(value, ","))).toBe(value);
      expect(parseAmount(amountText(value, "."))).toBe(value);
    }
  });
});
