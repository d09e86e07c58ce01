import type { PluginSettings } from "@roa2web/plugin-sdk";
import { describe, expect, it } from "vitest";
import { DEFAULT_API_ROOT, readTelegramSettings } from "./settings.js";

function settingsOf(values: Record<string, string>): PluginSettings {
  return {
    prefix: "TELEGRAM_",
    values,
    string: (key, fallback) => values[key] ?? fallback,
    optionalString: (key) => values[key],
    number: (key, fallback) => (values[key] === undefined ? fallback : Number(values[key])),
    boolean: (key, fallback) => (values[key] === undefined ? fallback : values[key] === "true"),
  } as PluginSettings;
}

describe("readTelegramSettings", () => {
  it("has no token and the public API by default", () => {
    const settings = readTelegramSettings(settingsOf({}));
    expect(settings.botToken).toBeUndefined();
    expect(settings.apiRoot).toBe(DEFAULT_API_ROOT);
    expect(settings.webhook).toBeUndefined();
  });

  it("takes a token, an API root and a webhook URL with its secret", () => {
    const settings = readTelegramSettings(
      settingsOf({
        BOT_TOKEN: "123:abc",
        API_ROOT: "http://127.0.0.1:9/",
        WEBHOOK_URL: "https://x.example/api/telegram/webhook",
        WEBHOOK_SECRET: "s3cret-s3cret-s3cret",
      }),
    );
    expect(settings).toMatchObject({
      botToken: "123:abc",
      apiRoot: "http://127.0.0.1:9",
      webhook: {
        url: "https://x.example/api/telegram/webhook",
        secret: "s3cret-s3cret-s3cret",
        deleteOnStop: false,
      },
    });
  });

  it("refuses webhook mode without a usable secret or over plain http", () => {
    const url = "https://x.example/api/telegram/webhook";
    expect(() => readTelegramSettings(settingsOf({ WEBHOOK_URL: url }))).toThrow(
      /TELEGRAM_WEBHOOK_SECRET is required when TELEGRAM_WEBHOOK_URL is set/,
    );
    expect(() =>
      readTelegramSettings(settingsOf({ WEBHOOK_URL: url, WEBHOOK_SECRET: "short" })),
    ).toThrow(/TELEGRAM_WEBHOOK_SECRET must be 16–256 characters/);
    expect(() =>
      readTelegramSettings(
        settingsOf({ WEBHOOK_URL: url, WEBHOOK_SECRET: "has spaces in it ok?" }),
      ),
    ).toThrow(/TELEGRAM_WEBHOOK_SECRET/);
    expect(() =>
      readTelegramSettings(
        settingsOf({
          WEBHOOK_URL: "http://x.example/hook",
          WEBHOOK_SECRET: "s3cret-s3cret-s3cret",
        }),
      ),
    ).toThrow(/TELEGRAM_WEBHOOK_URL must be an https URL/);
    expect(
      readTelegramSettings(
        settingsOf({
          WEBHOOK_URL: url,
          WEBHOOK_SECRET: "s3cret-s3cret-s3cret",
          WEBHOOK_DELETE_ON_STOP: "true",
        }),
      ).webhook?.deleteOnStop,
    ).toBe(true);
  });

  it("refuses a malformed token, API root or timeout, naming the variable", () => {
    expect(() => readTelegramSettings(settingsOf({ BOT_TOKEN: "nope" }))).toThrow(
      /TELEGRAM_BOT_TOKEN/,
    );
    expect(() => readTelegramSettings(settingsOf({ API_ROOT: "ftp://x" }))).toThrow(
      /TELEGRAM_API_ROOT/,
    );
    expect(() => readTelegramSettings(settingsOf({ HANDLER_TIMEOUT_MS: "5" }))).toThrow(
      /TELEGRAM_HANDLER_TIMEOUT_MS/,
    );
    expect(() => readTelegramSettings(settingsOf({ LIST_PAGE_SIZE: "1" }))).toThrow(
      /TELEGRAM_LIST_PAGE_SIZE/,
    );
    expect(() => readTelegramSettings(settingsOf({ MAX_PHOTO_BYTES: "30000000" }))).toThrow(
      /TELEGRAM_MAX_PHOTO_BYTES must be a whole number from 1024 to 20971520/,
    );
  });

  it("takes the web app's address for notification buttons, and refuses one that is not http(s)", () => {
    expect(readTelegramSettings(settingsOf({})).webUrl).toBeUndefined();
    expect(
      readTelegramSettings(settingsOf({ WEB_URL: "https://erp.example.com/roa//" })).webUrl,
    ).toBe("https://erp.example.com/roa");
    for (const bad of ["erp.example.com", "ftp://erp.example.com", "https://x.example/?a=1"]) {
      expect(() => readTelegramSettings(settingsOf({ WEB_URL: bad }))).toThrow(
        /TELEGRAM_WEB_URL must be the http\(s\) address/,
      );
    }
  });

  it("reads the timeout as a duration and refuses what is not a whole number", () => {
    expect(readTelegramSettings(settingsOf({ HANDLER_TIMEOUT_MS: "45s" })).handlerTimeoutMs).toBe(
      45_000,
    );
    // Number("1e1") is 10: it was taken as a page size.
    expect(() => readTelegramSettings(settingsOf({ LIST_PAGE_SIZE: "1e1" }))).toThrow(
      'Setting TELEGRAM_LIST_PAGE_SIZE must be a whole number from 2 to 30 (got "1e1")',
    );
  });
});
