/** Without TELEGRAM_BOT_TOKEN the plugin is up, "not-configured", and never calls Telegram. */
import path from "node:path";
import { fileURLToPath } from "node:url";
import { startTestKernel, type TestKernel } from "@roa2web/kernel/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const packageRoot = path.resolve(fileURLToPath(new URL("..", import.meta.url)));
let t: TestKernel;

beforeAll(async () => {
  t = await startTestKernel({ plugins: [packageRoot] });
});
afterAll(async () => {
  await t?.close();
});

describe("telegram plugin without a token", () => {
  it("stays enabled, reports not-configured, and makes no link code for a bot that does not exist", async () => {
    expect(t.kernel.plugins.get("telegram")?.state).toBe("enabled");
    const health = (await t.inject({ method: "GET", url: "/health" })).json() as {
      plugins: Array<{ name: string; status: string }>;
    };
    expect(health.plugins.find((plugin) => plugin.name === "telegram")).toMatchObject({
      status: "not-configured",
    });
    const token = await t.login();
    const response = await t.inject({
      method: "POST",
      url: "/api/telegram/auth/codes",
      headers: { authorization: `Bearer ${token}` },
    });
    expect(response.statusCode).toBe(409);
    expect(response.json().error).toMatchObject({
      code: "TELEGRAM_NOT_CONFIGURED",
      details: { setting: "TELEGRAM_BOT_TOKEN" },
    });
    expect(response.json().error.message).toContain("TELEGRAM_BOT_TOKEN");
    const status = await t.inject({
      method: "GET",
      url: "/api/telegram/auth/status",
      headers: { authorization: `Bearer ${token}` },
    });
    expect(status.json()).toMatchObject({ bot_configured: false, linked: false });
  });

  it("declares its page for telegram:link, so the shell lists it only for those users", async () => {
    const token = await t.login();
    const plugins = await t.inject({
      method: "GET",
      url: "/api/kernel/plugins",
      headers: { authorization: `Bearer ${token}` },
    });
    const telegram = (plugins.json().items as Array<{ name: string; ui: unknown }>).find(
      (plugin) => plugin.name === "telegram",
    );
    expect(telegram?.ui).toMatchObject({ permission: "telegram:link" });
  });
});
