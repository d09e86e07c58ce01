/** The plugin's database, through TypeORM: the only code that runs its queries. */

import type { PageWindow } from "@roa2web/plugin-sdk";
import { ConflictError } from "@roa2web/plugin-sdk";
import { Brackets, type DataSource, type EntityManager } from "typeorm";
import type { AttachmentRef, KeepBytes } from "./attachment-storage.js";
import {
  type Attachment,
  AttachmentEntity,
  type OcrStatus,
  type Receipt,
  ReceiptEntity,
  type ReceiptEntry,
  ReceiptEntryEntity,
  type ReceiptTransition,
  ReceiptTransitionEntity,
} from "./entities.js";
import type { EntryLine } from "./entries.js";
import { TooManyAttachmentsError } from "./errors.js";
import type { HistoryNote } from "./ocr-fill.js";
import type { DraftFields } from "./receipt-rules.js";
import type { ReceiptStatus, Transition } from "./workflow.js";

/** A kernel's claim on a receipt awaiting OCR (see the OcrClaims migration). */
export interface OcrClaim {
  /** The claiming plugin instance (its kernel), unique per start. */
  holder: string;
  expiresMs: number;
}

export interface ReceiptFilter {
  companyId: number;
  status?: ReceiptStatus;
  /** Inclusive, YYYY-MM-DD. */
  dateFrom?: string;
  dateTo?: string;
  /** Also the receipts with no date yet (from a photo, OCR still reading). */
  undated?: boolean;
}

/** Who moves a receipt along the workflow. */
export interface Mover {
  id: number;
  username: string;
}

export interface MovedReceipt {
  receipt: Receipt;
  /**
   * Who last sent it for approval (id null for a move recorded before ids were kept),
   * or null if it never was (a draft).
   */
  submittedBy: { id: number | null; username: string } | null;
}

/** Another request changed the receipt between our read and our write. */
class ReceiptChangedError extends ConflictError {
  constructor(id: number) {
    super(`Receipt ${id} was changed by someone else; load it again`, { details: { id } });
  }
}

export class ReceiptsStore {
  /** The tail of the queue of write transactions (see `write`). */
  #writes: Promise<unknown> = Promise.resolve();

  constructor(private readonly dataSource: DataSource) {}

  /**
   * Runs a transaction after the ones already queued. The plugin's DataSource is one
   * SQLite connection, and TypeORM's `transaction()` does not queue concurrent callers
   * on it: a second BEGIN while the first transaction awaits fails. One at a time.
   */
  private write<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    const run = this.#writes.then(() => this.dataSource.transaction(work));
    this.#writes = run.catch(() => {});
    return run;
  }

  /**
   * A new DRAFT receipt and the first line of its history, together; with the
   * attachment its file came with (a receipt created from a photo), if any, and its
   * bytes (`keep`, from the attachments' storage) in the same transaction.
   */
  create(
    companyId: number,
    fields: DraftFields,
    by: string,
    now = new Date(),
    attachment?: Omit<Attachment, "receiptId">,
    keep?: KeepBytes,
  ): Promise<Receipt> {
    return this.write(async (manager) => {
      const receipts = manager.getRepository(ReceiptEntity);
      const receipt = await receipts.save(
        receipts.create({
          ...fields,
          companyId,
          status: "DRAFT",
          createdBy: by,
          createdAt: now,
          updatedAt: now,
          rejectionReason: null,
          ocrStatus: null,
          ocrJobId: null,
          exchangeRate: null,
          rateMultiplier: null,
          rateDate: null,
        }),
      );
      await manager
        .getRepository(ReceiptTransitionEntity)
        .insert({ receiptId: receipt.id, from: null, to: "DRAFT", by, at: now, reason: null });
      if (attachment) {
        await manager
          .getRepository(AttachmentEntity)
          .insert({ ...attachment, receiptId: receipt.id });
        await keep?.(manager);
      }
      return receipt;
    });
  }

  /** Notes that an OCR job runs (or ended) for the receipt; its status is left as it is. */
  /** Records the OCR's state; `claim` (with "pending") says which kernel reads it, together. */
  async setOcr(
    receiptId: number,
    ocrStatus: OcrStatus,
    ocrJobId: string | null,
    claim?: OcrClaim,
  ): Promise<void> {
    await this.write(async (manager) => {
      await manager.getRepository(ReceiptEntity).update(
        { id: receiptId },
        claim === undefined
          ? { ocrStatus, ocrJobId }
          : {
              ocrStatus,
              ocrJobId,
              ocrClaimedBy: claim.holder,
              ocrClaimExpiresMs: claim.expiresMs,
            },
      );
    });
  }

  /**
   * Takes a receipt awaiting OCR that nobody reads (no claim, or a lapsed one): one
   * statement, so of two kernels trying at once exactly one gets it. True when taken.
   */
  async claimOcr(receiptId: number, claim: OcrClaim, now: number): Promise<boolean> {
    return this.write(async (manager) => {
      // On PostgreSQL a second kernel's UPDATE of the same row waits for the first to
      // commit, then finds the claim no longer lapsed: it updates nothing.
      const result = await manager
        .createQueryBuilder()
        .update(ReceiptEntity)
        .set({ ocrClaimedBy: claim.holder, ocrClaimExpiresMs: claim.expiresMs })
        .where("id = :receiptId AND ocr_status = 'pending'", { receiptId })
        .andWhere("(ocr_claimed_by IS NULL OR ocr_claim_expires_ms <= :now)", { now })
        .execute();
      return result.affected === 1;
    });
  }

  /** Extends every claim of `holder` on receipts still awaiting OCR. */
  async renewOcrClaims(holder: string, expiresMs: number): Promise<void> {
    await this.write(async (manager) => {
      await manager
        .getRepository(ReceiptEntity)
        .update({ ocrClaimedBy: holder, ocrStatus: "pending" }, { ocrClaimExpiresMs: expiresMs });
    });
  }

  /** Gives up every claim of `holder` (a stop): another kernel may take them at once. */
  async releaseOcrClaims(holder: string): Promise<void> {
    await this.write(async (manager) => {
      await manager
        .getRepository(ReceiptEntity)
        .update({ ocrClaimedBy: holder }, { ocrClaimedBy: null, ocrClaimExpiresMs: null });
    });
  }

  /**
   * Writes what OCR read into the receipt as it is *now* (read inside the write queue,
   * so a PATCH that landed meanwhile is seen): `decide` picks the changes and the
   * history note from the fresh receipt, or throws to write nothing. Records the note
   * as a history line (status unchanged) and marks the OCR done, together.
   */
  async applyOcr(
    receiptId: number,
    decide: (receipt: Receipt) => { changes: Partial<DraftFields>; note: HistoryNote | null },
    by: string,
    now = new Date(),
  ): Promise<{ receipt: Receipt; changed: boolean }> {
    return this.write(async (manager) => {
      const receipt = await manager.getRepository(ReceiptEntity).findOneBy({ id: receiptId });
      if (!receipt) throw new ReceiptChangedError(receiptId);
      const { changes, note } = decide(receipt);
      const changed = Object.keys(changes).length > 0;
      const update = changed
        ? { ...changes, ocrStatus: "done" as const, updatedAt: now }
        : { ocrStatus: "done" as const };
      await this.touch(manager, receipt, update);
      if (changed && note !== null) {
        await manager.getRepository(ReceiptTransitionEntity).insert({
          receiptId,
          from: receipt.status,
          to: receipt.status,
          by,
          at: now,
          reason: note.text,
          noteCode: note.code,
          noteParams: note.params,
        });
      }
      return { receipt: { ...receipt, ...update }, changed };
    });
  }

  async page(
    filter: ReceiptFilter,
    window: PageWindow,
  ): Promise<{ items: Receipt[]; total: number }> {
    const query = this.dataSource
      .getRepository(ReceiptEntity)
      .createQueryBuilder("receipt")
      .where("receipt.companyId = :companyId", { companyId: filter.companyId });
    if (filter.status) query.andWhere("receipt.status = :status", { status: filter.status });
    const dated = new Brackets((where) => {
      where.where("1 = 1");
      if (filter.dateFrom)
        where.andWhere("receipt.date >= :dateFrom", { dateFrom: filter.dateFrom });
      if (filter.dateTo) where.andWhere("receipt.date <= :dateTo", { dateTo: filter.dateTo });
    });
    if (filter.undated) {
      query.andWhere(new Brackets((where) => where.where("receipt.date IS NULL").orWhere(dated)));
    } else if (filter.dateFrom || filter.dateTo) {
      query.andWhere(dated);
    }
    const [items, total] = await query
      // Receipts still waiting for their date (from a photo, OCR running) first: they are the newest.
      .orderBy("receipt.date IS NULL", "DESC")
      .addOrderBy("receipt.date", "DESC")
      .addOrderBy("receipt.id", "DESC")
      .skip(window.skip)
      .take(window.take)
      .getManyAndCount();
    return { items, total };
  }

  /**
   * Receipts awaiting OCR that no kernel reads now (oldest first): their OCR stopped
   * with the plugin instance or the process that ran it (no claim, or a lapsed one).
   */
  awaitingOcr(now = Date.now(), limit = 500): Promise<Receipt[]> {
    return this.dataSource
      .getRepository(ReceiptEntity)
      .createQueryBuilder("receipt")
      .where("receipt.ocrStatus = 'pending'")
      .andWhere("(receipt.ocrClaimedBy IS NULL OR receipt.ocrClaimExpiresMs <= :now)", { now })
      .orderBy("receipt.id", "ASC")
      .take(limit)
      .getMany();
  }

  find(id: number): Promise<Receipt | null> {
    return this.dataSource.getRepository(ReceiptEntity).findOneBy({ id });
  }

  /** Writes new fields if the receipt is still in the status it was read in. */
  async updateFields(
    receipt: Receipt,
    fields: DraftFields & Partial<Pick<Receipt, "exchangeRate" | "rateMultiplier" | "rateDate">>,
    now = new Date(),
  ): Promise<Receipt> {
    await this.write(async (manager) => {
      await this.touch(manager, receipt, { ...fields, updatedAt: now });
    });
    return { ...receipt, ...fields, updatedAt: now };
  }

  /**
   * Deletes the receipt (entries, history, attachment rows and their chunks cascade);
   * returns its attachments, whose files (if stored as files) are to be removed.
   */
  async remove(receipt: Receipt): Promise<AttachmentRef[]> {
    return this.write(async (manager) => {
      const files = await manager
        .getRepository(AttachmentEntity)
        .find({ where: { receiptId: receipt.id }, select: { storedName: true, id: true } });
      const result = await manager
        .getRepository(ReceiptEntity)
        .delete({ id: receipt.id, status: receipt.status });
      if (!result.affected) throw new ReceiptChangedError(receipt.id);
      return files.map(({ id, storedName }) => ({ id, storedName }));
    });
  }

  entries(receiptId: number): Promise<ReceiptEntry[]> {
    return this.dataSource
      .getRepository(ReceiptEntryEntity)
      .find({ where: { receiptId }, order: { line: "ASC" } });
  }

  /**
   * Replaces every entry of the receipt, and bumps its updated_at, in one transaction;
   * `rate` (a proposal's) is stored on the receipt with them.
   */
  async replaceEntries(
    receipt: Receipt,
    lines: readonly EntryLine[],
    now = new Date(),
    rate?: Pick<Receipt, "exchangeRate" | "rateMultiplier" | "rateDate">,
  ): Promise<ReceiptEntry[]> {
    return this.write(async (manager) => {
      await this.touch(manager, receipt, { updatedAt: now, ...rate });
      const entries = manager.getRepository(ReceiptEntryEntity);
      await entries.delete({ receiptId: receipt.id });
      if (lines.length === 0) return [];
      return entries.save(
        lines.map((line, index) =>
          entries.create({ ...line, receiptId: receipt.id, line: index + 1 }),
        ),
      );
    });
  }

  /**
   * Moves the receipt along the workflow and records who, when and why, in one
   * transaction; fails if another request moved it first. `check` runs inside the
   * transaction (submit checks the entries' balance there). Also gives who sent the
   * receipt for approval the last time, read in the same transaction (the receipt
   * events name them).
   */
  async transition(
    receipt: Receipt,
    transition: Transition,
    by: Mover,
    reason: string | null,
    check: (entries: ReceiptEntry[]) => void = () => {},
    now = new Date(),
  ): Promise<MovedReceipt> {
    return this.write(async (manager) => {
      check(
        await manager
          .getRepository(ReceiptEntryEntity)
          .find({ where: { receiptId: receipt.id }, order: { line: "ASC" } }),
      );
      const rejectionReason =
        transition.to === "REJECTED"
          ? reason
          : transition.to === "DRAFT"
            ? null
            : receipt.rejectionReason;
      await this.touch(manager, receipt, {
        status: transition.to,
        updatedAt: now,
        rejectionReason,
      });
      const history = manager.getRepository(ReceiptTransitionEntity);
      await history.insert({
        receiptId: receipt.id,
        from: transition.from,
        to: transition.to,
        by: by.username,
        byId: by.id,
        at: now,
        reason,
      });
      const submission = await history.findOne({
        // A move, never a note (a note keeps the status: from = to).
        where: { receiptId: receipt.id, from: "DRAFT", to: "PENDING" },
        order: { id: "DESC" },
      });
      return {
        receipt: { ...receipt, status: transition.to, updatedAt: now, rejectionReason },
        submittedBy: submission ? { id: submission.byId, username: submission.by } : null,
      };
    });
  }

  history(receiptId: number): Promise<ReceiptTransition[]> {
    return this.dataSource
      .getRepository(ReceiptTransitionEntity)
      .find({ where: { receiptId }, order: { id: "ASC" } });
  }

  attachments(receiptId: number): Promise<Attachment[]> {
    return this.dataSource
      .getRepository(AttachmentEntity)
      .find({ where: { receiptId }, order: { createdAt: "ASC", id: "ASC" } });
  }

  findAttachment(id: string): Promise<Attachment | null> {
    return this.dataSource.getRepository(AttachmentEntity).findOneBy({ id });
  }

  /** The stored file names of every attachment row (to find files a crash left without one). */
  async attachmentFileNames(): Promise<Set<string>> {
    const rows = await this.dataSource
      .getRepository(AttachmentEntity)
      .find({ select: { id: true, storedName: true } });
    return new Set(rows.map((row) => row.storedName));
  }

  /**
   * Records an attachment received by the attachments' storage, with its bytes
   * (`keep`) in the same transaction, if the receipt is still as read and has fewer
   * than `maxPerReceipt` attachments.
   */
  async addAttachment(
    receipt: Receipt,
    attachment: Attachment,
    maxPerReceipt = Number.POSITIVE_INFINITY,
    keep?: KeepBytes,
  ): Promise<void> {
    await this.write(async (manager) => {
      const attachments = manager.getRepository(AttachmentEntity);
      if ((await attachments.countBy({ receiptId: receipt.id })) >= maxPerReceipt) {
        throw new TooManyAttachmentsError(receipt.id, maxPerReceipt);
      }
      await this.touch(manager, receipt, { updatedAt: attachment.createdAt });
      await attachments.insert(attachment);
      await keep?.(manager);
    });
  }

  async counts(): Promise<Record<string, number>> {
    const rows: Array<{ status: string; count: number }> = await this.dataSource
      .getRepository(ReceiptEntity)
      .createQueryBuilder("receipt")
      .select("receipt.status", "status")
      .addSelect("COUNT(*)", "count")
      .groupBy("receipt.status")
      .getRawMany();
    return Object.fromEntries(rows.map((row) => [row.status, Number(row.count)]));
  }

  /** Updates the receipt only if its status is still the one it was read with. */
  private async touch(
    manager: EntityManager,
    receipt: Receipt,
    changes: Partial<Omit<Receipt, "id">>,
  ): Promise<void> {
    const result = await manager
      .getRepository(ReceiptEntity)
      .update({ id: receipt.id, status: receipt.status }, changes);
    if (!result.affected) throw new ReceiptChangedError(receipt.id);
  }
}
