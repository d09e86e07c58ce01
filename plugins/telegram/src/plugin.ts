/**
 * The Telegram plugin's code half (the static half is `roa2web` in package.json):
 * link codes over HTTP and a bot that polls or takes a webhook. `exclusive` so a
 * reload stops the old poller before the new one starts (two pollers on one token
 * get 409 Conflict).
 */
import { definePlugin, type HealthStatus, type PluginContext } from "@roa2web/plugin-sdk";
import { BOT, botOf, TelegramBot } from "./bot/telegram-bot.js";
import {
  LinkCodeEntity,
  LinkEntity,
  NotificationSettingsEntity,
  PendingPhotoEntity,
} from "./entities.js";
import { CODE_PURGE_INTERVAL_MS, LinkStore } from "./link-store.js";
import { CreateTelegram1764100000000 } from "./migrations/1764100000000-create-telegram.js";
import { PendingPhotos1764300000000 } from "./migrations/1764300000000-pending-photos.js";
import { Notifications1764400000000 } from "./migrations/1764400000000-notifications.js";
import {
  RECEIPT_APPROVED,
  RECEIPT_REJECTED,
  RECEIPT_SUBMITTED,
  type ReceiptApproved,
  type ReceiptRejected,
  type ReceiptSubmitted,
} from "./receipt-events.js";
import { type DataEntryReceipts, RECEIPTS_SERVICE } from "./receipts-contract.js";
import type { ReportsLookup } from "./reports-contract.js";
import { readTelegramSettings } from "./settings.js";

/**
 * Deletes expired link codes now and every CODE_PURGE_INTERVAL_MS while the instance
 * runs (codes are made over HTTP, with or without a bot).
 */
function schedulePurge(ctx: PluginContext): void {
  const store = LinkStore.of(ctx);
  const purge = async () => {
    try {
      const removed = await store.purgeExpiredCodes();
      if (removed > 0) ctx.logger.info({ removed }, "Expired Telegram link codes deleted");
    } catch (error) {
      ctx.logger.warn({ err: error }, "Expired Telegram link codes could not be deleted");
    }
  };
  void purge();
  const timer = setInterval(() => void purge(), CODE_PURGE_INTERVAL_MS);
  timer.unref();
  ctx.signal.addEventListener("abort", () => clearInterval(timer), { once: true });
}

export default definePlugin({
  exclusive: true,
  routes: new URL("./routes", import.meta.url),
  database: {
    entities: [LinkCodeEntity, LinkEntity, PendingPhotoEntity, NotificationSettingsEntity],
    migrations: [
      CreateTelegram1764100000000,
      PendingPhotos1764300000000,
      Notifications1764400000000,
    ],
  },
  start(ctx) {
    const settings = readTelegramSettings(ctx.settings);
    schedulePurge(ctx);
    if (settings.botToken === undefined) {
      ctx.logger.info("TELEGRAM_BOT_TOKEN is not set: the bot does not start");
      return;
    }
    const bot = new TelegramBot({
      token: settings.botToken,
      apiRoot: settings.apiRoot,
      handlerTimeoutMs: settings.handlerTimeoutMs,
      webhook: settings.webhook,
      pageSize: settings.listPageSize,
      maxPhotoBytes: settings.maxPhotoBytes,
      store: LinkStore.of(ctx),
      erp: ctx.erp,
      services: {
        grantsOf: (userId) => ctx.services.require("kernel.users").grantsOf(userId),
        reports: () => ctx.services.get("reports.queries") as ReportsLookup | undefined,
        receipts: () => ctx.services.get(RECEIPTS_SERVICE) as DataEntryReceipts | undefined,
      },
      webUrl: settings.webUrl,
      logger: ctx.logger,
    });
    ctx.register(BOT, bot);
    // Receipt events → notifications; the bot decides who is told (ReceiptNotifier).
    ctx.events.on(RECEIPT_SUBMITTED, (event) => bot.receiptSubmitted(event as ReceiptSubmitted));
    ctx.events.on(RECEIPT_APPROVED, (event) => bot.receiptApproved(event as ReceiptApproved));
    ctx.events.on(RECEIPT_REJECTED, (event) => bot.receiptRejected(event as ReceiptRejected));
    bot.start(ctx.signal);
  },
  async stop(ctx) {
    await botOf(ctx)?.stop();
  },
  health(ctx): HealthStatus {
    const settings = readTelegramSettings(ctx.settings);
    const bot = botOf(ctx);
    if (settings.botToken === undefined || bot === undefined) {
      return { status: "not-configured", detail: "TELEGRAM_BOT_TOKEN is not set" };
    }
    const data = bot.health();
    return { status: data.connected ? "up" : "degraded", data };
  },
});
