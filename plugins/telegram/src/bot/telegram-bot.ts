/**
 * The Telegram bot of one plugin instance: puts the parts together and says which
 * update goes to which part. Each part has one job: `transport` (polling or webhook,
 * stop, health), `accounts` (link and current grants), `linking` (/link, /unlink),
 * `reports` (/companies, /dashboard, /invoices, /treasury and their pages), `photos`
 * (receipt photos → drafts), `notificationSettings` (/notifications) and `notifier`
 * (receipt events → messages to approvers and submitters). The texts are in
 * ../format.ts and ../notifications/messages.ts.
 */
import type {
  ReceiptApproved,
  ReceiptRejected,
  ReceiptSubmitted,
} from "@roa2web/data-entry-contract";
import type { ErpClient, Logger } from "@roa2web/plugin-sdk";
import type { Context } from "telegraf";
import { message } from "telegraf/filters";
import type { Update } from "telegraf/types";
import type { LinkStore } from "../link-store.js";
import { createDeliver } from "../notifications/deliver.js";
import { ReceiptNotifier } from "../notifications/receipt-notifier.js";
import { PAGE_LABEL_DATA } from "../paging.js";
import type { WebhookSettings } from "../settings.js";
import { botTexts } from "../texts.js";
import { Accounts, HTML, languageOfUpdate } from "./accounts.js";
import { Linking } from "./linking.js";
import { NotificationSettings } from "./notification-settings.js";
import { ReceiptPhotos } from "./receipt-photos.js";
import { ReportCommands } from "./report-commands.js";
import type { BotServices } from "./services.js";
import { BotTransport, type TransportHealth } from "./transport.js";

export interface BotOptions {
  token: string;
  apiRoot: string;
  handlerTimeoutMs: number;
  /** Rows per page of a list (invoices, treasury accounts, companies). */
  pageSize: number;
  /** The largest receipt image downloaded from Telegram. */
  maxPhotoBytes: number;
  /** Webhook mode when set; long polling otherwise. */
  webhook?: WebhookSettings | undefined;
  store: LinkStore;
  erp: ErpClient;
  services: BotServices;
  /** The web shell's public address, for the buttons of notifications. */
  webUrl?: string | undefined;
  logger: Logger;
}

export class TelegramBot {
  private readonly transport: BotTransport;
  private readonly notifier: ReceiptNotifier;
  private readonly logger: Logger;

  constructor(options: BotOptions) {
    const { logger, store, erp, services } = options;
    this.logger = logger;
    this.transport = new BotTransport({
      ...options,
      claimUpdate: (updateId) => store.claimUpdate(updateId),
    });
    const accounts = new Accounts(store, erp, services);
    const linking = new Linking(accounts, logger);
    const reports = new ReportCommands(accounts, services, erp, options.pageSize);
    const photos = new ReceiptPhotos(accounts, services, this.transport.telegraf.telegram, {
      maxPhotoBytes: options.maxPhotoBytes,
      logger,
    });
    const notificationSettings = new NotificationSettings(accounts);
    this.notifier = new ReceiptNotifier({
      accounts,
      deliver: createDeliver(this.transport.telegraf.telegram, logger),
      webUrl: options.webUrl,
      logger,
    });

    const bot = this.transport.telegraf;
    bot.start((ctx) => linking.link(ctx));
    bot.command("link", (ctx) => linking.link(ctx));
    const help = (ctx: Context) => ctx.reply(botTexts(languageOfUpdate(ctx)).help, HTML);
    bot.help(help);
    bot.command("unlink", (ctx) => linking.unlink(ctx));
    bot.command("companies", (ctx) => reports.showList(ctx, "companies"));
    bot.command("dashboard", (ctx) => reports.dashboard(ctx));
    bot.command("invoices", (ctx) => reports.showList(ctx, "invoices"));
    bot.command("treasury", (ctx) => reports.showList(ctx, "treasury"));
    bot.command(["notifications", "notificari"], (ctx) => notificationSettings.show(ctx));
    bot.action(/^nt:/, (ctx) => notificationSettings.choose(ctx));
    bot.action(/^company:(\d+)$/, (ctx) => reports.chooseCompany(ctx, Number(ctx.match[1])));
    bot.on(message("photo"), (ctx) => photos.receiveImage(ctx));
    bot.on(message("document"), (ctx) => photos.receiveImage(ctx));
    bot.action(/^rc:/, (ctx) => photos.chooseReceiptCompany(ctx));
    bot.action(PAGE_LABEL_DATA, (ctx) => ctx.answerCbQuery());
    bot.action(/^pg:/, (ctx) => reports.turnPage(ctx));
    // Buttons of an older version of the bot, or data that is not ours.
    bot.on("callback_query", (ctx) =>
      ctx.answerCbQuery(botTexts(languageOfUpdate(ctx)).notices.staleButton),
    );
    bot.on("message", help);
  }

  /** The webhook settings in webhook mode; undefined while polling. */
  get webhook(): WebhookSettings | undefined {
    return this.transport.webhook;
  }

  /** Webhook mode: registers the webhook while holding its lease; see BotTransport. */
  registerWebhookWhile(signal: AbortSignal): Promise<void> {
    return this.transport.registerWebhookWhile(signal);
  }

  /** Long polling while `signal` is not aborted (the poller lease); see BotTransport. */
  pollWhile(signal: AbortSignal): Promise<void> {
    return this.transport.pollWhile(signal);
  }

  /** Claims one webhook update and handles it without waiting; false when not taken. */
  receive(update: Update): Promise<boolean> {
    return this.transport.receive(update);
  }

  stop(timeoutMs?: number): Promise<void> {
    return this.transport.stop(timeoutMs);
  }

  health(): TransportHealth {
    return this.transport.health();
  }

  /** Tells the company's linked approvers that a receipt waits (see ReceiptNotifier). */
  receiptSubmitted(event: ReceiptSubmitted): void {
    this.inBackground("submitted", () => this.notifier.submitted(event));
  }

  /** Tells the submitter that their receipt was approved. */
  receiptApproved(event: ReceiptApproved): void {
    this.inBackground("approved", () => this.notifier.approved(event));
  }

  /** Tells the submitter that their receipt was rejected, and why. */
  receiptRejected(event: ReceiptRejected): void {
    this.inBackground("rejected", () => this.notifier.rejected(event));
  }

  /**
   * Notifies without making the emitter wait for Telegram; `stop` waits (bounded) for
   * what is being sent; whatever fails is logged here and goes no further.
   */
  private inBackground(event: string, work: () => Promise<unknown>): void {
    if (this.transport.isStopping) return;
    this.transport.track(
      work().catch((error: unknown) =>
        this.logger.error({ err: error, event }, "Telegram receipt notification failed"),
      ),
    );
  }
}
