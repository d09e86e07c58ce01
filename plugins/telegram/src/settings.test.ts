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
    boolean: (_key, fallback) => fallback,
  } as PluginSettings;
}

describe("readTelegramSettings", () => {
  it("has no token and the public API by default", () => {
    const settings = readTelegramSettings(settingsOf({}));
    expect(settings.botToken).toBeUndefined();
    expect(settings.apiRoot).toBe(DEFAULT_API_ROOT);
    expect(settings.webhookUrl).toBeUndefined();
  });

  it("takes a token, an API root and a webhook URL", () => {
    const settings = readTelegramSettings(
      settingsOf({
        BOT_TOKEN: "123:abc",
        API_ROOT: "http://127.0.0.1:9/",
        WEBHOOK_URL: "https://x",
      }),
    );
    expect(settings).toMatchObject({
      botToken: "123:abc",
      apiRoot: "http://127.0.0.1:9",
      webhookUrl: "https://x",
    });
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
  });
});
