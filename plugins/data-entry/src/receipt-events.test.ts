import { describe, expect, it } from "vitest";
import type { Receipt } from "./entities.js";
import { receiptAnnouncement } from "./receipt-events.js";
import type { MovedReceipt } from "./receipts-store.js";

const at = new Date("2026-03-02T10:00:00.000Z");

function moved(change: Partial<Receipt>, submittedBy: MovedReceipt["submittedBy"]): MovedReceipt {
  return {
    receipt: {
      id: 7,
      companyId: 2,
      status: "PENDING",
      merchant: "Aral",
      taxId: "DE811125140",
      date: "2026-02-26",
      total: 15.69,
      vat: 0.62,
      currency: "EUR",
      notes: null,
      createdBy: "maker",
      createdAt: at,
      updatedAt: at,
      rejectionReason: null,
      ocrStatus: null,
      ocrJobId: null,
      exchangeRate: 4.9735,
      rateMultiplier: 1,
      rateDate: "2026-02-26",
      ...change,
    },
    submittedBy,
  };
}

const approver = { id: 9, username: "boss" };

describe("receiptAnnouncement", () => {
  it("converts the amounts to lei at the rate the entries used (per 100 for HUF)", () => {
    const eur = receiptAnnouncement(
      "submit",
      moved({}, { id: 3, username: "clerk" }),
      approver,
      "Alfa",
    );
    expect(eur?.payload.amounts).toEqual({
      total: 15.69,
      vat: 0.62,
      currency: "EUR",
      total_lei: 78.03,
      vat_lei: 3.08,
    });
    const huf = receiptAnnouncement(
      "submit",
      moved(
        { currency: "HUF", total: 12990, vat: 2762, exchangeRate: 1.2912, rateMultiplier: 100 },
        { id: 3, username: "clerk" },
      ),
      approver,
      null,
    );
    expect(huf?.payload.amounts).toMatchObject({ total_lei: 167.73, vat_lei: 35.66 });
  });

  it("leaves the lei amounts null while no rate is recorded, and passes lei through", () => {
    const unrated = moved({ exchangeRate: null, rateMultiplier: null, rateDate: null }, null);
    expect(receiptAnnouncement("submit", unrated, approver, null)?.payload.amounts).toMatchObject({
      total_lei: null,
      vat_lei: null,
    });
    const lei = moved({ currency: "RON", exchangeRate: null, rateMultiplier: null }, null);
    expect(receiptAnnouncement("submit", lei, approver, null)?.payload.amounts).toMatchObject({
      total_lei: 15.69,
      vat_lei: 0.62,
    });
  });

  it("names the decider and the reason on a rejection; the submitter as recorded", () => {
    const rejected = receiptAnnouncement(
      "reject",
      moved(
        { status: "REJECTED", rejectionReason: "Blurry", taxId: "" },
        { id: null, username: "old-clerk" },
      ),
      approver,
      "Alfa",
    );
    expect(rejected).toEqual({
      event: "data-entry.receipt.rejected",
      payload: {
        receipt_id: 7,
        company_id: 2,
        company_name: "Alfa",
        status: "REJECTED",
        date: "2026-02-26",
        partner: { name: "Aral", tax_id: null },
        amounts: expect.any(Object),
        submitted_by: { id: null, username: "old-clerk" },
        decided_by: { id: 9, username: "boss" },
        rejection_reason: "Blurry",
        at: "2026-03-02T10:00:00.000Z",
      },
    });
    const approved = receiptAnnouncement(
      "approve",
      moved({ status: "APPROVED" }, { id: 3, username: "clerk" }),
      approver,
      "Alfa",
    );
    expect(approved?.event).toBe("data-entry.receipt.approved");
    expect(approved?.payload).toMatchObject({ rejection_reason: null, decided_by: approver });
  });

  it("announces nothing on reopening", () => {
    const reopened = moved({ status: "DRAFT" }, { id: 3, username: "clerk" });
    expect(receiptAnnouncement("reopen", reopened, approver, "Alfa")).toBeNull();
  });
});
