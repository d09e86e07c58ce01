// The ledger of one company: posts "debit = credit" lines, mirrors every cash and bank line into
// treasury_movements, and keeps running balances so the simulation never spends money it lacks.
import type { Day, DayFormatter } from "./calendar.js";
import type { DemoErpWriter } from "./writer.js";

export type DocumentType =
  | "OPENING"
  | "SALE_INVOICE"
  | "PURCHASE_INVOICE"
  | "RECEIPT"
  | "PAYMENT"
  | "PAYROLL"
  | "BANK_FEE"
  | "CASH_TRANSFER"
  | "DEPRECIATION"
  | "VAT_SETTLEMENT"
  | "CLOSING"
  | "RESULT_CARRIED_FORWARD";

/**
 * The paper behind a cash or bank line, as Romanian treasury registers name it; stored in
 * `treasury_movements.document_type` (the UI shows it as "Chitanță", "Ordin de plată", …).
 */
export type TreasuryDocumentType =
  /** Chitanță: cash received from a client. */
  | "CH"
  /** Extras de cont: a transfer received, or a bank fee, as the bank statement shows it. */
  | "EXT"
  /** Ordin de plată: a transfer we send. */
  | "OP"
  /** Dispoziție de plată către casierie: cash paid out. */
  | "DP"
  /** Foaie de vărsământ: cash deposited at the bank. */
  | "FV"
  /** Cec de numerar: cash withdrawn from the bank. */
  | "CEC"
  /** Notă contabilă: opening balances. */
  | "NC";

export interface LedgerDocument {
  type: DocumentType;
  /** Unique per company and type: the invoice id, the payment id, or a per-type counter. */
  id: number;
  number: string;
  day: Day;
  partnerId: number | null;
  /** What the treasury register calls the document, when it moves cash or bank money. */
  treasuryType: TreasuryDocumentType | null;
}

/** Row ids shared by all companies of one generation, so ids stay unique across companies. */
export interface IdSequences {
  ledger: number;
  treasury: number;
  partner: number;
  invoice: number;
  payment: number;
}

export class Books {
  private readonly balances = new Map<string, number>();
  private readonly documentCounters = new Map<DocumentType, number>();

  constructor(
    private readonly writer: DemoErpWriter,
    private readonly days: DayFormatter,
    private readonly ids: IdSequences,
    private readonly companyId: number,
    private readonly treasuryAccounts: ReadonlySet<string>,
  ) {}

  /** Debit minus credit, in bani. Negative for accounts with a credit balance. */
  balance(account: string): number {
    return this.balances.get(account) ?? 0;
  }

  /**
   * A new document. Invoices and payments pass their own id (so the ledger links back to them);
   * other documents are numbered per type.
   */
  document(
    type: DocumentType,
    number: string,
    day: Day,
    partnerId: number | null,
    treasuryType: TreasuryDocumentType | null,
    id?: number,
  ): LedgerDocument {
    let documentId = id;
    if (documentId === undefined) {
      documentId = (this.documentCounters.get(type) ?? 0) + 1;
      this.documentCounters.set(type, documentId);
    }
    return { type, id: documentId, number, day, partnerId, treasuryType };
  }

  /** Every account posted to so far, with its balance (debit minus credit, in bani). */
  accounts(): IterableIterator<[account: string, balance: number]> {
    return this.balances.entries();
  }

  post(
    doc: LedgerDocument,
    debit: string,
    credit: string,
    cents: number,
    explanation: string,
  ): void {
    if (!Number.isInteger(cents) || cents <= 0) {
      throw new RangeError(
        `Ledger amount must be a positive number of bani, got ${cents} (${explanation})`,
      );
    }
    const date = this.days.format(doc.day);
    const amount = cents / 100;
    this.writer.insert("ledger_entries", [
      ++this.ids.ledger,
      this.companyId,
      date,
      doc.type,
      doc.id,
      doc.number,
      debit,
      credit,
      amount,
      explanation,
    ]);
    this.balances.set(debit, this.balance(debit) + cents);
    this.balances.set(credit, this.balance(credit) - cents);
    if (this.treasuryAccounts.has(debit)) this.mirror(doc, date, debit, explanation, amount, 0);
    if (this.treasuryAccounts.has(credit)) this.mirror(doc, date, credit, explanation, 0, amount);
  }

  private mirror(
    doc: LedgerDocument,
    date: string,
    account: string,
    explanation: string,
    receipt: number,
    payment: number,
  ): void {
    if (doc.treasuryType === null) {
      throw new Error(
        `Document ${doc.type} ${doc.number} moves ${account} without a treasury type`,
      );
    }
    this.writer.insert("treasury_movements", [
      ++this.ids.treasury,
      this.companyId,
      account,
      date,
      doc.treasuryType,
      doc.number,
      explanation,
      doc.partnerId,
      receipt,
      payment,
    ]);
  }
}
