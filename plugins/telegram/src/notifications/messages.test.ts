import { describe, expect, it } from "vitest";
import {
  decodeNotificationChoice,
  encodeNotificationChoice,
  languageOf,
  receiptApprovedText,
  receiptWaiting,
} from "./messages.js";
import { receiptUrl } from "./receipt-notifier.js";

const event = {
  receiptId: 5,
  companyId: 1,
  companyName: null,
  submittedBy: { userId: 9, name: "Ana" },
  documentNumber: null,
  documentDate: "2026-11-30",
  partner: null,
  amounts: { total: 100, vat: null, currency: "EUR", totalLei: 497.55 },
};

describe("notification texts", () => {
  it("are Romanian for a Romanian Telegram client and English otherwise", () => {
    expect(["ro", "ro-RO", "RO", "en", "de", null, undefined].map(languageOf)).toEqual([
      "ro",
      "ro",
      "ro",
      "en",
      "en",
      "en",
      "en",
    ]);
  });

  it("leave out what the event does not know and give a foreign total in lei too", () => {
    expect(receiptWaiting(event, "en")).toBe(
      [
        "🧾 <b>Receipt #5 is waiting for your approval</b>",
        "Document 2026-11-30",
        "Total: <b>100,00 EUR</b>, in lei 497,55 RON",
        "Submitted by: Ana",
      ].join("\n"),
    );
    expect(
      receiptApprovedText({ ...event, decidedBy: { userId: 3, name: "Dan & Co" } }, "ro"),
    ).toBe(
      [
        "✅ <b>Bonul nr. 5 a fost aprobat</b> de Dan &amp; Co.",
        "Document 2026-11-30",
        "Total: <b>100,00 EUR</b>, în lei 497,55 RON",
      ].join("\n"),
    );
  });

  it("carry the state wanted in the button, not a flip, and refuse other data", () => {
    expect(encodeNotificationChoice("approvals", false)).toBe("nt:a:0");
    expect(decodeNotificationChoice("nt:o:1")).toEqual({ kind: "outcomes", on: true });
    for (const data of ["nt:x:1", "nt:a:2", "nt:a:1:extra", "pg:i:1:1:1"]) {
      expect(decodeNotificationChoice(data)).toBeUndefined();
    }
  });

  it("link to the receipt's page of the web shell under the configured address", () => {
    expect(receiptUrl("https://erp.example.com/roa/", 12)).toBe(
      "https://erp.example.com/roa/data-entry/receipts/12",
    );
  });
});
