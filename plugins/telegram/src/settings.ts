/** The plugin's settings: environment variables under TELEGRAM_*. */
import {
  booleanSetting,
  durationSetting,
  integerSetting,
  type PluginSettings,
  ValidationError,
} from "@roa2web/plugin-sdk";
import { BOT_API_MAX_DOWNLOAD_BYTES } from "./photos.js";

export const DEFAULT_API_ROOT = "https://api.telegram.org";
export const DEFAULT_HANDLER_TIMEOUT_MS = 30_000;
export const DEFAULT_LIST_PAGE_SIZE = 10;
export const DEFAULT_MAX_PHOTO_BYTES = 10 * 1024 * 1024;

export interface WebhookSettings {
  url: string;
  secret: string;
  /** Whether stopping the plugin calls deleteWebhook (default false: Telegram keeps
   * the updates that arrive meanwhile and redelivers them after a restart). */
  deleteOnStop: boolean;
}

/** What Telegram accepts as a secret_token: 1–256 of A-Z a-z 0-9 _ -. We ask for ≥ 16. */
const SECRET_PATTERN = /^[A-Za-z0-9_-]{16,256}$/;

export interface TelegramSettings {
  /** TELEGRAM_BOT_TOKEN from BotFather; without it the bot does not start. */
  botToken: string | undefined;
  /** TELEGRAM_API_ROOT: the Bot API server (a local Bot API server, or a test double). */
  apiRoot: string;
  /**
   * Webhook mode, from TELEGRAM_WEBHOOK_URL (the public https URL Telegram posts
   * updates to), TELEGRAM_WEBHOOK_SECRET (required with it: Telegram sends it back in
   * X-Telegram-Bot-Api-Secret-Token) and TELEGRAM_WEBHOOK_DELETE_ON_STOP. Undefined:
   * long polling.
   */
  webhook: WebhookSettings | undefined;
  /** TELEGRAM_HANDLER_TIMEOUT_MS: how long one update may be handled before polling moves on (1s–90s). */
  handlerTimeoutMs: number;
  /** TELEGRAM_LIST_PAGE_SIZE: rows per message of a long list (2–30, default 10). */
  listPageSize: number;
  /**
   * TELEGRAM_MAX_PHOTO_BYTES: the largest receipt image the bot downloads (1 KiB to
   * 20 MiB, the Bot API's own limit; default 10 MiB).
   */
  maxPhotoBytes: number;
  /**
   * TELEGRAM_WEB_URL: the web shell's public address (`https://erp.example.com`), for
   * the button of a notification that opens the receipt. Unset: no button.
   */
  webUrl: string | undefined;
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
  const handlerTimeoutMs = durationSetting(settings, "HANDLER_TIMEOUT_MS", {
    default: DEFAULT_HANDLER_TIMEOUT_MS,
    min: 1000,
    max: 90_000,
  });
  const listPageSize = integerSetting(settings, "LIST_PAGE_SIZE", {
    default: DEFAULT_LIST_PAGE_SIZE,
    min: 2,
    max: 30,
  });
  const maxPhotoBytes = integerSetting(settings, "MAX_PHOTO_BYTES", {
    default: DEFAULT_MAX_PHOTO_BYTES,
    min: 1024,
    max: BOT_API_MAX_DOWNLOAD_BYTES,
  });
  return {
    botToken,
    webUrl: readWebUrl(settings),
    listPageSize,
    maxPhotoBytes,
    apiRoot,
    webhook: readWebhookSettings(settings),
    handlerTimeoutMs,
  };
}

function readWebhookSettings(settings: PluginSettings): WebhookSettings | undefined {
  const url = settings.optionalString("WEBHOOK_URL");
  if (url === undefined || url === "") return undefined;
  let parsed: URL | undefined;
  try {
    parsed = new URL(url);
  } catch {
    // reported below
  }
  // Telegram delivers webhooks over HTTPS only.
  if (parsed?.protocol !== "https:") {
    throw new ValidationError(
      `Setting ${settings.prefix}WEBHOOK_URL must be an https URL (got "${url}")`,
    );
  }
  const secret = settings.optionalString("WEBHOOK_SECRET");
  if (secret === undefined || secret === "") {
    throw new ValidationError(
      `Setting ${settings.prefix}WEBHOOK_SECRET is required when ${settings.prefix}WEBHOOK_URL is set: 16–256 characters of A-Z a-z 0-9 _ - (for example \`openssl rand -hex 32\`)`,
    );
  }
  if (!SECRET_PATTERN.test(secret)) {
    throw new ValidationError(
      `Setting ${settings.prefix}WEBHOOK_SECRET must be 16–256 characters of A-Z a-z 0-9 _ - (Telegram's secret_token alphabet)`,
    );
  }
  return { url, secret, deleteOnStop: booleanSetting(settings, "WEBHOOK_DELETE_ON_STOP", false) };
}

function readWebUrl(settings: PluginSettings): string | undefined {
  const url = settings.optionalString("WEB_URL");
  if (url === undefined || url === "") return undefined;
  let parsed: URL | undefined;
  try {
    parsed = new URL(url);
  } catch {
    // reported below
  }
  if (
    (parsed?.protocol !== "http:" && parsed?.protocol !== "https:") ||
    parsed.search !== "" ||
    parsed.hash !== ""
  ) {
    throw new ValidationError(
      `Setting ${settings.prefix}WEB_URL must be the http(s) address of the web app, without ? or # (got "${url}")`,
    );
  }
  return url.replace(/\/+$/, "");
}
