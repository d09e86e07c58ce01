/**
 * The receipt events: what a move along the workflow tells other plugins (the Telegram
 * bot tells approvers and submitters, reports drops a company's cached figures). Built
 * from the receipt as the move committed it and emitted only after the commit, once
 * per move; a refused or failed move emits nothing.
 */
import {
  type ReceiptApproved,
  type ReceiptEvent,
  type ReceiptPerson,
  type ReceiptRejected,
  type ReceiptSubmitted,
  receiptApproved,
  receiptRejected,
  receiptSubmitted,
} from "@roa2web/data-entry-contract";
import type { AuthUser, ErpClient, Logger, PluginEvents } from "@roa2web/plugin-sdk";
import { BOOKS_CURRENCY } from "./currencies.js";
import type { Receipt } from "./entities.js";
import { toLei } from "./exchange-rates.js";
import type { MovedReceipt } from "./receipts-store.js";
import type { WorkflowAction } from "./workflow.js";

/** One event to emit: which one and its payload, typed together. */
export type ReceiptAnnouncement =
  | { kind: "submitted"; payload: ReceiptSubmitted }
  | { kind: "approved"; payload: ReceiptApproved }
  | { kind: "rejected"; payload: ReceiptRejected };

/** Who acts now: as the request's user carries them. */
export type Decider = Pick<AuthUser, "id" | "username" | "displayName">;

function personOf(user: Decider): ReceiptPerson {
  return { userId: user.id, name: user.displayName || user.username };
}

/** The total in lei: as it is for a receipt in lei, else at the rate its entries used. */
function totalInLei(receipt: Receipt, total: number): number | null {
  const { currency, exchangeRate: rate, rateMultiplier: multiplier } = receipt;
  if (currency === BOOKS_CURRENCY) return total;
  return rate !== null && multiplier !== null ? toLei(total, { rate, multiplier }) : null;
}

/**
 * The event a move announces, or null for a move that announces none (reopen). Pure:
 * `companyName` is read by the caller, `moved` is what the store's transaction returned,
 * `actor` the user who made the move.
 */
export function receiptAnnouncement(
  action: WorkflowAction,
  moved: MovedReceipt,
  actor: Decider,
  companyName: string | null,
): ReceiptAnnouncement | null {
  if (action === "reopen") return null;
  const { receipt } = moved;
  const { total, currency } = receipt;
  // Submit refuses a receipt without them (missingFields), and a PENDING one is frozen.
  if (total === null || currency === null) {
    throw new Error(`Receipt ${receipt.id} moved on without a total or a currency`);
  }
  const submitter: ReceiptPerson =
    action === "submit"
      ? personOf(actor)
      : // Every PENDING receipt went through submit, which records its mover; the
        // creator stands in only for a history that lost that line.
        {
          userId: moved.submittedBy?.id ?? null,
          name: moved.submittedBy?.username ?? receipt.createdBy,
        };
  const event: ReceiptEvent = {
    receiptId: receipt.id,
    companyId: receipt.companyId,
    companyName,
    submittedBy: submitter,
    documentNumber: null,
    documentDate: receipt.date,
    partner: receipt.merchant,
    amounts: { total, vat: receipt.vat, currency, totalLei: totalInLei(receipt, total) },
  };
  if (action === "submit") return { kind: "submitted", payload: event };
  if (action === "approve") {
    return { kind: "approved", payload: { ...event, decidedBy: personOf(actor) } };
  }
  return {
    kind: "rejected",
    payload: { ...event, decidedBy: personOf(actor), reason: receipt.rejectionReason ?? "" },
  };
}

type CompanyRow = { name: unknown };

/** Emits a committed move's event; never throws (the move stands either way). */
export class ReceiptEvents {
  constructor(private readonly deps: { events: PluginEvents; erp: ErpClient; logger: Logger }) {}

  async announce(action: WorkflowAction, moved: MovedReceipt, actor: Decider): Promise<void> {
    if (action === "reopen") return;
    try {
      const companyName = await this.companyName(moved.receipt.companyId);
      const announcement = receiptAnnouncement(action, moved, actor, companyName);
      if (announcement) this.emit(announcement);
    } catch (error) {
      this.deps.logger.error(
        { err: error, receiptId: moved.receipt.id, action },
        "Could not emit the receipt event",
      );
    }
  }

  private emit(announcement: ReceiptAnnouncement): void {
    const { events } = this.deps;
    // One branch per reference, so each payload is checked against its own type.
    switch (announcement.kind) {
      case "submitted":
        events.emit(receiptSubmitted, announcement.payload);
        return;
      case "approved":
        events.emit(receiptApproved, announcement.payload);
        return;
      case "rejected":
        events.emit(receiptRejected, announcement.payload);
        return;
    }
  }

  /** The company's name for the message; null (and a warning) when the ERP cannot say now. */
  private async companyName(companyId: number): Promise<string | null> {
    try {
      const row = await this.deps.erp.queryOne<CompanyRow>(
        "SELECT name FROM companies WHERE id = :company",
        { company: companyId },
        { timeoutMs: 2_000 },
      );
      return row && typeof row.name === "string" ? row.name : null;
    } catch (error) {
      this.deps.logger.warn(
        { err: error, companyId },
        "Could not read the company name for a receipt event",
      );
      return null;
    }
  }
}
