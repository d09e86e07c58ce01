import { startTestKernel, type TestKernel } from "@roa2web/kernel/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeBotApi, waitFor } from "./fake-bot-api.js";
import { PACKAGE_ROOT, startBotKernel } from "./test/bot-kernel.js";
import { botTexts } from "./texts.js";

/** What the bot says to a Telegram client in English (or in no language it reads). */
const EN = botTexts("en");

const WEBHOOK_URL = "https://bot.example.test/api/telegram/webhook";
const SECRET = "webhook-secret-0123456789";
const carol = { id: 2001, first_name: "Carol" };

let t: TestKernel;
let api: FakeBotApi;
let admin = "";

beforeAll(async () => {
  ({ t, api } = await startBotKernel({
    env: {
      TELEGRAM_WEBHOOK_URL: WEBHOOK_URL,
      TELEGRAM_WEBHOOK_SECRET: SECRET,
      TELEGRAM_WEBHOOK_DELETE_ON_STOP: "true",
    },
  }));
  admin = await t.login();
});
afterAll(async () => {
  await t?.close();
  await api?.close();
});

function post(update: unknown, secret?: string) {
  return t.inject({
    method: "POST",
    url: "/api/telegram/webhook",
    headers: secret === undefined ? {} : { "x-telegram-bot-api-secret-token": secret },
    payload: update as Record<string, unknown>,
  });
}

/** The plugin's entry in /health with the details an administrator sees. */
function telegramHealth() {
  return t.health("telegram");
}

describe("telegram plugin in webhook mode", () => {
  it("registers the webhook with its secret and does not poll", async () => {
    const call = await waitFor(() => api.callsOf("setWebhook")[0], "setWebhook");
    expect(call.body).toMatchObject({ url: WEBHOOK_URL, secret_token: SECRET });
    expect(call.body.drop_pending_updates).not.toBe(true);
    await waitFor(async () => (await telegramHealth())?.status === "up", "health up");
    expect(await telegramHealth()).toMatchObject({
      status: "up",
      data: { mode: "webhook", connected: true, last_update_at: null },
    });
    expect(api.callsOf("getUpdates")).toHaveLength(0);
  });

  it("refuses an update without the secret header or with a wrong one, handling nothing", async () => {
    const missing = await post(api.textUpdate(carol, "/help"));
    expect(missing.statusCode).toBe(401);
    expect(missing.json().error).toMatchObject({ code: "UNAUTHORIZED" });
    const wrong = await post(api.textUpdate(carol, "/help"), `${SECRET}x`);
    expect(wrong.statusCode).toBe(403);
    expect(wrong.json().error).toMatchObject({ code: "FORBIDDEN" });
    expect((await telegramHealth())?.data).toMatchObject({ last_update_at: null });
    expect(api.textsTo(carol.id)).toEqual([]);
  });

  it("answers 200 and handles an update posted with the right secret, once", async () => {
    const update = api.textUpdate(carol, "/help");
    const response = await post(update, SECRET);
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ ok: true });
    await waitFor(() => api.textsTo(carol.id).length > 0, "the /help reply");
    expect(api.textsTo(carol.id)).toEqual([EN.help]);

    // Telegram redelivers an update whose answer it missed: acknowledged, not handled again.
    expect((await post(update, SECRET)).statusCode).toBe(200);
    const next = api.textUpdate(carol, "/dashboard");
    expect((await post(next, SECRET)).statusCode).toBe(200);
    await waitFor(() => api.textsTo(carol.id).length > 1, "the /dashboard reply");
    expect(api.textsTo(carol.id)).toEqual([EN.help, EN.notLinked]);
  });

  it("refuses a body that is not an update", async () => {
    const response = await post({ hello: "world" }, SECRET);
    expect(response.statusCode).toBe(400);
  });

  it("deletes the webhook when disabled, as configured, and sets it again on enable", async () => {
    const headers = { authorization: `Bearer ${admin}` };
    const disabled = await t.inject({
      method: "POST",
      url: "/api/kernel/plugins/telegram/disable",
      headers,
    });
    expect(disabled.statusCode).toBe(200);
    expect(api.callsOf("deleteWebhook")).toHaveLength(1);
    expect((await post(api.textUpdate(carol, "/help"), SECRET)).statusCode).toBe(404);

    const enabled = await t.inject({
      method: "POST",
      url: "/api/kernel/plugins/telegram/enable",
      headers,
    });
    expect(enabled.statusCode).toBe(200);
    await waitFor(() => api.callsOf("setWebhook").length === 2, "the second setWebhook");
    expect(api.callsOf("getUpdates")).toHaveLength(0);
  });
});

describe("telegram plugin with a webhook URL but no secret", () => {
  it("refuses to start and names the missing setting", async () => {
    const other = await startTestKernel({
      plugins: [PACKAGE_ROOT],
      requireStarted: false,
      env: {
        TELEGRAM_BOT_TOKEN: "123:abc",
        TELEGRAM_API_ROOT: api.url,
        TELEGRAM_WEBHOOK_URL: WEBHOOK_URL,
      },
    });
    try {
      const record = other.kernel.plugins.get("telegram");
      expect(record?.state).toBe("failed");
      expect(JSON.stringify(record?.failure)).toContain(
        "TELEGRAM_WEBHOOK_SECRET is required when TELEGRAM_WEBHOOK_URL is set",
      );
    } finally {
      await other.close();
    }
  });
});
