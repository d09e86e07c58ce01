/**
 * The receipt events: what a move along the workflow tells other plugins (the Telegram
 * bot tells approvers and submitters, reports drops a company's cached figures). Built
 * from the receipt as the move committed it and published only after the commit, once
 * per move; a refused or failed move publishes nothing.
 */
import type { ErpClient, Logger } from "@roa2web/plugin-sdk";
import type { ReceiptActor, ReceiptDecision, ReceiptEvent, ReceiptSubmitted } from "./contract.js";
import { BOOKS_CURRENCY } from "./currencies.js";
import type { Receipt } from "./entities.js";
import { toLei } from "./exchange-rates.js";
import type { MovedReceipt, Mover } from "./receipts-store.js";
import type { WorkflowAction } from "./workflow.js";

export const RECEIPT_SUBMITTED = "data-entry.receipt.submitted";
export const RECEIPT_APPROVED = "data-entry.receipt.approved";
export const RECEIPT_REJECTED = "data-entry.receipt.rejected";

/** One event to publish: its name and its payload, typed together. */
export type ReceiptAnnouncement =
  | { event: typeof RECEIPT_SUBMITTED; payload: ReceiptSubmitted }
  | { event: typeof RECEIPT_APPROVED | typeof RECEIPT_REJECTED; payload: ReceiptDecision };

/** Hands an event to the kernel's event bus (the plugin wires it at start). */
export type PublishReceiptEvent = (announcement: ReceiptAnnouncement) => void;

/** The amounts in lei: as they are for a receipt in lei, else at the rate its entries used. */
function amountsOf(receipt: Receipt): ReceiptEvent["amounts"] {
  const { total, vat, currency, exchangeRate: rate, rateMultiplier: multiplier } = receipt;
  let lei: (amount: number | null) => number | null = () => null;
  if (currency === BOOKS_CURRENCY) lei = (amount) => amount;
  else if (rate !== null && multiplier !== null) {
    lei = (amount) => (amount === null ? null : toLei(amount, { rate, multiplier }));
  }
  return { total, vat, currency, total_lei: lei(total), vat_lei: lei(vat) };
}

/**
 * The event a move announces, or null for a move that announces none (reopen). Pure:
 * `companyName` is read by the caller, `moved` is what the store's transaction returned.
 */
export function receiptAnnouncement(
  action: WorkflowAction,
  moved: MovedReceipt,
  decider: Mover,
  companyName: string | null,
): ReceiptAnnouncement | null {
  const { receipt } = moved;
  if (action === "reopen") return null;
  const base = {
    receipt_id: receipt.id,
    company_id: receipt.companyId,
    company_name: companyName,
    date: receipt.date,
    partner: { name: receipt.merchant, tax_id: receipt.taxId === "" ? null : receipt.taxId },
    amounts: amountsOf(receipt),
    // Every PENDING receipt went through submit, which records its mover; the creator
    // stands in only for history that lost that line.
    submitted_by: moved.submittedBy ?? ({ id: null, username: receipt.createdBy } as ReceiptActor),
    at: receipt.updatedAt.toISOString(),
  };
  if (action === "submit") {
    return { event: RECEIPT_SUBMITTED, payload: { ...base, status: "PENDING" } };
  }
  const decided_by: ReceiptActor = { id: decider.id, username: decider.username };
  if (action === "approve") {
    return {
      event: RECEIPT_APPROVED,
      payload: { ...base, status: "APPROVED", decided_by, rejection_reason: null },
    };
  }
  return {
    event: RECEIPT_REJECTED,
    payload: { ...base, status: "REJECTED", decided_by, rejection_reason: receipt.rejectionReason },
  };
}

type CompanyRow = { name: unknown };

/** Publishes a committed move's event; never throws (the move stands either way). */
export class ReceiptEvents {
  constructor(
    private readonly deps: { publish: PublishReceiptEvent; erp: ErpClient; logger: Logger },
  ) {}

  async announce(action: WorkflowAction, moved: MovedReceipt, decider: Mover): Promise<void> {
    if (action === "reopen") return;
    try {
      const companyName = await this.companyName(moved.receipt.companyId);
      const announcement = receiptAnnouncement(action, moved, decider, companyName);
      if (announcement) this.deps.publish(announcement);
    } catch (error) {
      this.deps.logger.error(
        { err: error, receiptId: moved.receipt.id, action },
        "Could not publish the receipt event",
      );
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
