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

const clerk = { id: 3, username: "clerk", displayName: "Ana Clerk" };
const boss = { id: 9, username: "boss", displayName: "" };

describe("receiptAnnouncement", () => {
  it("gives the total in lei at the rate the entries used (per 100 for HUF)", () => {
    const eur = receiptAnnouncement(
      "submit",
      moved({}, { id: 3, username: "clerk" }),
      clerk,
      "Alfa",
    );
    expect(eur?.payload.amounts).toEqual({
      total: 15.69,
      vat: 0.62,
      currency: "EUR",
      totalLei: 78.03,
    });
    const huf = receiptAnnouncement(
      "submit",
      moved(
        { currency: "HUF", total: 12990, vat: 2762, exchangeRate: 1.2912, rateMultiplier: 100 },
        { id: 3, username: "clerk" },
      ),
      clerk,
      null,
    );
    expect(huf?.payload.amounts.totalLei).toBe(167.73);
  });

  it("leaves the total in lei null while no rate is recorded, and passes lei through", () => {
    const unrated = moved({ exchangeRate: null, rateMultiplier: null, rateDate: null }, null);
    expect(
      receiptAnnouncement("submit", unrated, clerk, null)?.payload.amounts.totalLei,
    ).toBeNull();
    const lei = moved({ currency: "RON", exchangeRate: null, rateMultiplier: null }, null);
    expect(receiptAnnouncement("submit", lei, clerk, null)?.payload.amounts.totalLei).toBe(15.69);
  });

  it("names the submitter on a submission by the user acting, with their display name", () => {
    const submitted = receiptAnnouncement(
      "submit",
      moved({}, { id: 3, username: "clerk" }),
      clerk,
      "Alfa",
    );
    expect(submitted).toEqual({
      kind: "submitted",
      payload: {
        receiptId: 7,
        companyId: 2,
        companyName: "Alfa",
        submittedBy: { userId: 3, name: "Ana Clerk" },
        documentNumber: null,
        documentDate: "2026-02-26",
        partner: "Aral",
        amounts: { total: 15.69, vat: 0.62, currency: "EUR", totalLei: 78.03 },
      },
    });
  });

  it("names the decider and the reason on a rejection; the submitter as the history recorded them", () => {
    const rejected = receiptAnnouncement(
      "reject",
      moved({ status: "REJECTED", rejectionReason: "Blurry" }, { id: null, username: "old-clerk" }),
      boss,
      "Alfa",
    );
    expect(rejected?.kind).toBe("rejected");
    expect(rejected?.payload).toMatchObject({
      submittedBy: { userId: null, name: "old-clerk" },
      // No display name: the user name.
      decidedBy: { userId: 9, name: "boss" },
      reason: "Blurry",
    });
    const approved = receiptAnnouncement(
      "approve",
      moved({ status: "APPROVED" }, { id: 3, username: "clerk" }),
      boss,
      "Alfa",
    );
    expect(approved?.kind).toBe("approved");
    expect(approved?.payload).toMatchObject({
      submittedBy: { userId: 3, name: "clerk" },
      decidedBy: { userId: 9, name: "boss" },
    });
    expect(approved?.payload).not.toHaveProperty("reason");
  });

  it("announces nothing on reopening", () => {
    const reopened = moved({ status: "DRAFT" }, { id: 3, username: "clerk" });
    expect(receiptAnnouncement("reopen", reopened, clerk, "Alfa")).toBeNull();
  });
});
