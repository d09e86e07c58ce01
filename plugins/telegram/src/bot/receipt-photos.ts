/**
 * Receipts sent as photos: a photo or image file from a linked user becomes a DRAFT
 * receipt in data-entry (downloaded within the size limit), of the chat's current
 * company or of the one the user picks from buttons, and what OCR read follows in a
 * second message.
 */
import { readFile, stat } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import type { DataEntryReceipts } from "@roa2web/data-entry-contract";
import { hasPermission, isRoaError, type Logger } from "@roa2web/plugin-sdk";
import { type Context, Markup, type Telegram } from "telegraf";
import type { Link } from "../entities.js";
import { escapeHtml, formatOcr } from "../format.js";
import type { Language } from "../notifications/messages.js";
import {
  decodeReceiptCompany,
  encodeReceiptCompany,
  type IncomingImage,
  imageOf,
  readLimited,
  type StoredPendingImages,
} from "../photos.js";
import { botTexts } from "../texts.js";
import { type Accounts, type CompanyRow, type Grants, HTML, languageOfUpdate } from "./accounts.js";
import { orNotice, pressedButton, type Refuse } from "./buttons.js";
import type { BotServices } from "./services.js";

interface ReceiptScope {
  grants: Grants;
  /** The receipts service acting for the linked user (the draft is theirs). */
  receipts: DataEntryReceipts;
}

export interface ReceiptPhotosOptions {
  /** The largest receipt image downloaded from Telegram. */
  maxPhotoBytes: number;
  logger: Logger;
}

export class ReceiptPhotos {
  private pendingStore: StoredPendingImages | undefined;

  constructor(
    private readonly accounts: Accounts,
    private readonly services: BotServices,
    private readonly telegram: Telegram,
    private readonly options: ReceiptPhotosOptions,
  ) {}

  /** Photos waiting for the company question, in the plugin's SQLite. */
  private get pendingImages(): StoredPendingImages {
    this.pendingStore ??= this.accounts.store.pendingPhotos();
    return this.pendingStore;
  }

  /**
   * A photo or image file from a linked user: checks the grant and that data-entry
   * runs, then makes it a DRAFT receipt of the chat's current company (or the user's
   * only one), or asks which one with buttons when neither settles it.
   */
  async receiveImage(ctx: Context): Promise<void> {
    const link = await this.accounts.linkOf(ctx);
    if (link === null || ctx.from === undefined || ctx.chat === undefined) return;
    const reply = (text: string) => ctx.reply(text, HTML);
    const language = languageOfUpdate(ctx, link);
    const texts = botTexts(language);
    const image = imageOf((ctx.message ?? {}) as Parameters<typeof imageOf>[0]);
    if (image === undefined) {
      await reply(texts.notAnImage);
      return;
    }
    const scope = await this.receiptScope(link, language, reply);
    if (scope === undefined) return;
    if (image.size !== undefined && image.size > this.options.maxPhotoBytes) {
      await reply(texts.photoTooLarge(this.options.maxPhotoBytes));
      return;
    }
    const companies = await this.accounts.companiesOf(scope.grants);
    // The chat's current company (chosen with /companies) when the user still sees it,
    // else the only one; the question only when neither settles it.
    const current = companies.find((company) => company.id === link.currentCompanyId);
    const settled = current ?? (companies.length === 1 ? companies[0] : undefined);
    if (settled !== undefined) {
      await this.createReceipt(link, scope, image, settled, language, reply);
      return;
    }
    if (companies.length === 0) {
      await reply(texts.noCompanies);
      return;
    }
    const token = await this.pendingImages.add({
      ...image,
      owner: ctx.from.id,
      chatId: ctx.chat.id,
    });
    const buttons = companies.map((company) => [
      Markup.button.callback(
        `${company.id === link.currentCompanyId ? "✓ " : ""}${company.name}`,
        encodeReceiptCompany(company.id, token),
      ),
    ]);
    await ctx.reply(texts.whichCompany, { ...HTML, ...Markup.inlineKeyboard(buttons) });
  }

  /** The answer to "which company is this receipt for?". */
  async chooseReceiptCompany(ctx: Context): Promise<void> {
    const pressed = await pressedButton(ctx, this.accounts.store, {
      decode: decodeReceiptCompany,
      find: (choice) => this.pendingImages.peek(choice.token),
      gone: "photoGone",
    });
    if (pressed === undefined) return;
    const { data: choice, target: pending, link } = pressed;
    const language = languageOfUpdate(ctx);
    const texts = botTexts(language);
    const notices = texts.notices;
    const scope = await orNotice(ctx, (refuse) => this.receiptScope(link, language, refuse));
    if (scope === undefined) return;
    const company = (await this.accounts.companiesOf(scope.grants)).find(
      (row) => row.id === choice.companyId,
    );
    if (company === undefined) {
      await ctx.answerCbQuery(notices.companyNotVisible);
      return;
    }
    if ((await this.pendingImages.take(choice.token)) === undefined) {
      // Pressed twice: the first press is already creating the receipt.
      await ctx.answerCbQuery(notices.photoGone);
      return;
    }
    await ctx.answerCbQuery();
    await ctx.editMessageText(texts.receiptFor(escapeHtml(company.name)), HTML);
    await this.createReceipt(link, scope, pending, company, language, (text) =>
      this.telegram.sendMessage(pending.chatId, text, HTML),
    );
  }

  /**
   * What a receipt needs: current grants, data-entry:write, and the data-entry plugin
   * running (its service looked up now). Undefined after `refuse` was told why not.
   */
  private async receiptScope(
    link: Link,
    language: Language,
    refuse: Refuse,
  ): Promise<ReceiptScope | undefined> {
    const texts = botTexts(language);
    const grants = await this.accounts.grantsOf(link);
    if (grants === undefined) {
      await refuse(texts.accountGone);
      return undefined;
    }
    if (!hasPermission(grants.permissions, "data-entry:write")) {
      await refuse(texts.noReceiptPermission);
      return undefined;
    }
    if (!this.services.receipts.available()) {
      await refuse(texts.receiptsOff);
      return undefined;
    }
    return { grants, receipts: this.services.receipts.for(grants.user) };
  }

  /**
   * Downloads the image, hands it to data-entry as a DRAFT receipt, says so, and
   * sends what OCR read when it is done (without holding up the update).
   */
  private async createReceipt(
    link: Link,
    scope: ReceiptScope,
    image: IncomingImage,
    company: CompanyRow,
    language: Language,
    reply: (html: string) => Promise<unknown>,
  ): Promise<void> {
    const logger = this.options.logger;
    const texts = botTexts(language);
    let bytes: Buffer | "too-large";
    try {
      bytes = await this.download(image);
    } catch (error) {
      logger.warn({ err: error, fileId: image.fileId }, "Telegram file download failed");
      await reply(texts.downloadFailed);
      return;
    }
    if (bytes === "too-large") {
      await reply(texts.photoTooLarge(this.options.maxPhotoBytes));
      return;
    }
    let created: Awaited<ReturnType<DataEntryReceipts["createDraftFromImage"]>>;
    try {
      created = await scope.receipts.createDraftFromImage({
        companyId: company.id,
        fileName: image.fileName,
        bytes,
      });
    } catch (error) {
      if (isRoaError(error) && error.statusCode < 500) {
        await reply(texts.couldNotCreateReceipt(escapeHtml(error.message)));
        return;
      }
      throw error;
    }
    const receiptId = created.receipt.id;
    logger.info(
      { userId: link.userId, companyId: company.id, receiptId },
      "Draft receipt created from a Telegram photo",
    );
    await reply(texts.draftCreated(receiptId));
    void created.ocr
      .then(
        (fields) =>
          fields === null
            ? texts.receiptUnreadable(receiptId)
            : formatOcr(receiptId, fields, company.currency, language),
        (error: unknown) => {
          logger.warn({ err: error, receiptId }, "OCR of a Telegram receipt failed");
          return texts.receiptUnreadable(receiptId);
        },
      )
      .then((text) => reply(text))
      .catch((error: unknown) =>
        logger.warn({ err: error, receiptId }, "Could not send the OCR result"),
      );
  }

  /**
   * The file's bytes from the Bot API, at most maxPhotoBytes: checked against the
   * size getFile reports and again while reading. The URL holds the token: never log it.
   */
  private async download(image: IncomingImage): Promise<Buffer | "too-large"> {
    const max = this.options.maxPhotoBytes;
    const file = await this.telegram.getFile(image.fileId);
    if (file.file_size !== undefined && file.file_size > max) return "too-large";
    const url = await this.telegram.getFileLink(file);
    if (url.protocol === "file:") {
      // A local Bot API server (--local) answers with a path on this machine.
      const path = fileURLToPath(url);
      if ((await stat(path)).size > max) return "too-large";
      return readFile(path);
    }
    const response = await fetch(url, { signal: AbortSignal.timeout(30_000) });
    if (!response.ok) throw new Error(`Telegram file download answered HTTP ${response.status}`);
    return readLimited(response.body, max);
  }
}
