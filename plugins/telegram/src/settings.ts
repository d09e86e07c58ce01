/** The plugin's settings: environment variables under TELEGRAM_*. */
import { type PluginSettings, ValidationError } from "@roa2web/plugin-sdk";

export const DEFAULT_API_ROOT = "https://api.telegram.org";
export const DEFAULT_HANDLER_TIMEOUT_MS = 30_000;

export interface TelegramSettings {
  /** TELEGRAM_BOT_TOKEN from BotFather; without it the bot does not start. */
  botToken: string | undefined;
  /** TELEGRAM_API_ROOT: the Bot API server (a local Bot API server, or a test double). */
  apiRoot: string;
  /** TELEGRAM_WEBHOOK_URL: not implemented yet; when set, the bot still polls. */
  webhookUrl: string | undefined;
  /** TELEGRAM_HANDLER_TIMEOUT_MS: how long one update may be handled before polling moves on. */
  handlerTimeoutMs: number;
}

export function readTelegramSettings(settings: PluginSettings): TelegramSettings {
  const botToken = settings.optionalString("BOT_TOKEN");
  if (botToken !== undefined && !/^\d+:[\w-]+$/.test(botToken)) {
    throw new ValidationError(
      `Setting ${settings.prefix}BOT_TOKEN must look like 123456:ABC-DEF… (the token BotFather gives)`,
    );
  }
  const apiRoot = settings.string("API_ROOT", DEFAULT_API_ROOT).replace(/\/+$/, "");
  let protocol = "";
  try {
    protocol = new URL(apiRoot).protocol;
  } catch {
    // reported below
  }
  if (protocol !== "http:" && protocol !== "https:") {
    throw new ValidationError(
      `Setting ${settings.prefix}API_ROOT must be an http(s) URL (got "${apiRoot}")`,
    );
  }
  const handlerTimeoutMs = settings.number("HANDLER_TIMEOUT_MS", DEFAULT_HANDLER_TIMEOUT_MS);
  if (!Number.isInteger(handlerTimeoutMs) || handlerTimeoutMs < 1000 || handlerTimeoutMs > 90_000) {
    throw new ValidationError(
      `Setting ${settings.prefix}HANDLER_TIMEOUT_MS must be a whole number from 1000 to 90000 (got "${handlerTimeoutMs}")`,
    );
  }
  return {
    botToken,
    apiRoot,
    webhookUrl: settings.optionalString("WEBHOOK_URL"),
    handlerTimeoutMs,
  };
}
