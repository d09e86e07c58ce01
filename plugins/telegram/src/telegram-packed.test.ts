/**
 * The Telegram plugin as an outside server gets it: packed with `roa2web plugin pack`
 * (telegraf bundled), uploaded to a running kernel through the admin API, and serving
 * from the folder the package unpacked to, against the fake Bot API: it polls and says
 * so in /health, and a chat is linked through a code (HTTP + `/link` in the chat).
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { startTestKernel, type TestKernel } from "@roa2web/kernel/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FakeBotApi, linkChat, waitFor } from "./fake-bot-api.js";
import { botTexts } from "./texts.js";

const packageRoot = path.resolve(fileURLToPath(new URL("..", import.meta.url)));
/** The kernel's CLI from this plugin's devDependencies, as an author runs `roa2web plugin pack`. */
const ROA2WEB = path.join(packageRoot, "node_modules", "@roa2web", "kernel", "dist", "main.js");

const out = mkdtempSync(path.join(os.tmpdir(), "telegram-packed-"));
let t: TestKernel;
let api: FakeBotApi;
let token = "";
let packageFile = "";

beforeAll(async () => {
  packageFile = execFileSync(
    process.execPath,
    [ROA2WEB, "plugin", "pack", packageRoot, "--out", out],
    { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] },
  ).trim();
  api = new FakeBotApi();
  t = await startTestKernel({
    listen: true,
    env: { TELEGRAM_BOT_TOKEN: "123:abc", TELEGRAM_API_ROOT: await api.start() },
  });
  token = await t.login();
}, 60_000);
afterAll(async () => {
  await t?.close();
  await api?.close();
  rmSync(out, { recursive: true, force: true });
});

describe("telegram, packed and installed at run time", () => {
  it("installs from its package, polls the Bot API and links a chat", {
    timeout: 30_000,
  }, async () => {
    const form = new FormData();
    form.append("file", new Blob([readFileSync(packageFile)]), path.basename(packageFile));
    const installed = await fetch(`${t.url}/api/kernel/plugins/packages`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}` },
      body: form,
    });
    const answer = (await installed.json()) as Record<string, unknown>;
    expect(installed.status, JSON.stringify(answer)).toBe(200);
    expect(answer).toMatchObject({ name: "telegram", kind: "install" });
    expect(t.plugin("telegram")).toMatchObject({ state: "enabled", source: "package" });
    expect(t.plugin("telegram").root).toContain("plugin-packages");

    // Connected once the first getUpdates has been answered.
    const health = await waitFor(async () => {
      const entry = await t.health("telegram");
      return entry.status === "up" && entry;
    }, "telegram up in /health");
    expect(health).toMatchObject({ data: { mode: "polling", connected: true } });

    const alice = { id: 2001, first_name: "Alice" };
    const reply = await linkChat(t, api, alice, token);
    expect(reply).toContain(botTexts("en").linked("Demo User").split("<b>")[0] as string);
    const status = await t.inject({ method: "GET", url: "/api/telegram/auth/status", token });
    expect(status.statusCode).toBe(200);
    expect(status.json()).toMatchObject({
      bot_configured: true,
      linked: true,
      links: [{ telegram_user_id: 2001 }],
    });
  });
});
