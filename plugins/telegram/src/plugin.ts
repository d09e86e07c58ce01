/**
 * The Telegram plugin's code half (the static half is `roa2web` in package.json):
 * link codes over HTTP and a bot that polls or takes a webhook. `exclusive` so a
 * reload stops the old poller before the new one starts (two pollers on one token
 * get 409 Conflict).
 */
import { definePlugin, type HealthStatus } from "@roa2web/plugin-sdk";
import { BOT, botOf, TelegramBot } from "./bot.js";
import { LinkCodeEntity, LinkEntity } from "./entities.js";
import { LinkStore } from "./link-store.js";
import { CreateTelegram1764100000000 } from "./migrations/1764100000000-create-telegram.js";
import { readTelegramSettings } from "./settings.js";

export default definePlugin({
  exclusive: true,
  routes: new URL("./routes", import.meta.url),
  database: {
    entities: [LinkCodeEntity, LinkEntity],
    migrations: [CreateTelegram1764100000000],
  },
  start(ctx) {
    const settings = readTelegramSettings(ctx.settings);
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
      store: LinkStore.of(ctx),
      erp: ctx.erp,
      services: ctx.services,
      logger: ctx.logger,
    });
    ctx.register(BOT, bot);
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
