/**
 * The Telegram plugin's code half (the static half is `roa2web` in package.json):
 * link codes over HTTP, a bot that polls or takes a webhook, and receipt notifications.
 * `exclusive` so a reload stops the old poller before the new one starts (two pollers
 * on one token get 409 Conflict); across kernels sharing DATA_DIR (a hand-over, #18)
 * only the holder of the lease `telegram.poller` polls, the others stand by. In webhook
 * mode every kernel takes updates (claimed once by update_id in the plugin's database)
 * and only the holder of `telegram.webhook` registers the webhook.
 */
import {
  dataEntryReceipts,
  receiptApproved,
  receiptRejected,
  receiptSubmitted,
} from "@roa2web/data-entry-contract";
import {
  coreServices,
  definePlugin,
  type HealthStatus,
  type LeasedWork,
  type Logger,
} from "@roa2web/plugin-sdk";
import { reportsQueries } from "@roa2web/reports-contract";
import { TelegramBot } from "./bot/telegram-bot.js";
import {
  LinkCodeEntity,
  LinkEntity,
  NotificationSettingsEntity,
  PendingPhotoEntity,
} from "./entities.js";
import { CODE_PURGE_INTERVAL_MS, LinkStore } from "./link-store.js";
import { MIGRATIONS } from "./migrations/index.js";
import { readTelegramSettings } from "./settings.js";

/**
 * Deletes expired link codes and old webhook update ids now and every
 * CODE_PURGE_INTERVAL_MS while the instance runs (codes are made over HTTP, with or
 * without a bot).
 */
function schedulePurge(store: LinkStore, logger: Logger, signal: AbortSignal): void {
  const purge = async () => {
    try {
      const removed = await store.purgeExpiredCodes();
      if (removed > 0) logger.info({ removed }, "Expired Telegram link codes deleted");
      const forgotten = await store.purgeReceivedUpdates();
      if (forgotten > 0) logger.debug({ forgotten }, "Old webhook update ids forgotten");
    } catch (error) {
      logger.warn({ err: error }, "Expired Telegram link codes could not be deleted");
    }
  };
  void purge();
  const timer = setInterval(() => void purge(), CODE_PURGE_INTERVAL_MS);
  timer.unref();
  signal.addEventListener("abort", () => clearInterval(timer), { once: true });
}

/** What `start` hands to `stop`, `health` and the routes. */
export interface TelegramState {
  store: LinkStore;
  /** The running bot; undefined without TELEGRAM_BOT_TOKEN. */
  bot: TelegramBot | undefined;
  /** Long polling's lease (one poller among all kernels); undefined in webhook mode. */
  poller: LeasedWork | undefined;
  /** Webhook mode: the lease of the one kernel that registers the webhook. */
  webhook?: LeasedWork | undefined;
}

export const plugin = definePlugin({
  exclusive: true,
  routes: new URL("./routes", import.meta.url),
  database: {
    entities: [LinkCodeEntity, LinkEntity, PendingPhotoEntity, NotificationSettingsEntity],
    migrations: MIGRATIONS,
  },
  deps: {
    logger: coreServices.logger,
    settings: coreServices.settings,
    erp: coreServices.erp,
    users: coreServices.users,
    leases: coreServices.leases,
    reports: reportsQueries,
    receipts: dataEntryReceipts,
  },
  start(deps, { database, events, signal }): TelegramState {
    const { logger, erp, users, leases, reports, receipts } = deps;
    const settings = readTelegramSettings(deps.settings);
    const store = new LinkStore(database());
    schedulePurge(store, logger, signal);
    if (settings.botToken === undefined) {
      logger.info("TELEGRAM_BOT_TOKEN is not set: the bot does not start");
      return { store, bot: undefined, poller: undefined };
    }
    const bot = new TelegramBot({
      token: settings.botToken,
      apiRoot: settings.apiRoot,
      handlerTimeoutMs: settings.handlerTimeoutMs,
      webhook: settings.webhook,
      pageSize: settings.listPageSize,
      maxPhotoBytes: settings.maxPhotoBytes,
      store,
      erp,
      services: { users, reports, receipts },
      webUrl: settings.webUrl,
      logger,
    });
    // Receipt events → notifications; the bot decides who is told (ReceiptNotifier).
    events.on(receiptSubmitted, (event) => bot.receiptSubmitted(event));
    events.on(receiptApproved, (event) => bot.receiptApproved(event));
    events.on(receiptRejected, (event) => bot.receiptRejected(event));
    if (settings.webhook !== undefined) {
      // Any kernel takes a webhook update; one registers the webhook (setWebhook is not
      // fought over, and a kernel that stops deletes it only if it registered it).
      const webhook = leases.run("webhook", (held) => bot.registerWebhookWhile(held));
      return { store, bot, poller: undefined, webhook };
    }
    // Telegram allows one getUpdates caller per token: poll only while holding the lease.
    const poller = leases.run("poller", (held) => bot.pollWhile(held));
    return { store, bot, poller };
  },
  async stop({ bot, poller, webhook }) {
    await bot?.stop();
    // Polling has ended (or the webhook was deleted, if configured): the lease goes to a
    // kernel standing by at once.
    await poller?.stop();
    await webhook?.stop();
  },
  health({ bot, poller, webhook }): HealthStatus {
    if (bot === undefined) {
      return { status: "not-configured", detail: "TELEGRAM_BOT_TOKEN is not set" };
    }
    const data = bot.health();
    if (webhook !== undefined) {
      if (!webhook.held) {
        // Another kernel registers the webhook; this one takes updates too.
        const holder = webhook.holder();
        return {
          status: "up",
          detail: "taking updates; another kernel registers the webhook",
          data: {
            ...data,
            webhook: holder === undefined ? "nobody yet" : "another kernel",
            lease_holder: holder?.id ?? null,
          },
        };
      }
      return {
        status: data.connected ? "up" : "degraded",
        data: { ...data, webhook: "this kernel" },
      };
    }
    if (poller !== undefined && !poller.held) {
      // Another kernel polls (a hand-over, or several kernels): this one is ready to take over.
      const holder = poller.holder();
      return {
        status: "up",
        detail: "standing by: another kernel polls",
        data: { ...data, poller: "standby", lease_holder: holder?.id ?? null },
      };
    }
    const polling = poller === undefined ? {} : { poller: "this kernel" };
    return { status: data.connected ? "up" : "degraded", data: { ...data, ...polling } };
  },
});
export default plugin;
