/**
 * The Telegram plugin in a real kernel (the BUILT plugin), talking to a fake Bot API:
 * linking over HTTP + bot, the dashboard through the reports plugin's service, bad
 * codes, unlinked users, the reports plugin switched off, and disable/enable of this
 * plugin (polling stops, no update handled twice).
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import type { TestKernel } from "@roa2web/kernel/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeBotApi, waitFor } from "./fake-bot-api.js";
import { decodePage, MAX_CALLBACK_BYTES, PAGE_LABEL_DATA } from "./paging.js";
import { PACKAGE_ROOT, startBotKernel } from "./test/bot-kernel.js";
import { botTexts } from "./texts.js";

/** What the bot says to a Telegram client in English (or in no language it reads). */
const EN = botTexts("en");
const RO = botTexts("ro");

const packageJson = JSON.parse(readFileSync(path.join(PACKAGE_ROOT, "package.json"), "utf8")) as {
  name: string;
  roa2web: { name: string; entry: string; prefix: string; ui: { tag: string; module: string } };
};
const manifest = packageJson.roa2web;

const alice = { id: 1001, first_name: "Alice" };
const bob = { id: 1002, first_name: "Bob" };
const mallory = { id: 1003, first_name: "Mallory" };
const ioana = { id: 1006, first_name: "Ioana", language_code: "ro" }; // a Romanian client
const dave = { id: 1004, first_name: "Dave" };
const AMOUNT = /\d{1,3}(\.\d{3})*,\d{2} RON/;

let t: TestKernel;
let api: FakeBotApi;
let token = "";

beforeAll(async () => {
  for (const file of [manifest.entry, manifest.ui.module]) {
    if (!existsSync(path.join(PACKAGE_ROOT, file))) {
      throw new Error(
        `${file} is missing: the kernel loads the built plugin. Run \`pnpm --filter ${packageJson.name} run build\`.`,
      );
    }
  }
  ({ t, api } = await startBotKernel({
    // The reports plugin too: the bot's reports come from its reports.queries service.
    plugins: [path.join(path.dirname(PACKAGE_ROOT), "reports")],
    // Small pages, so the demo's invoices, treasury accounts and companies all page.
    env: { TELEGRAM_LIST_PAGE_SIZE: "2" },
  }));
  token = await t.login();
});
afterAll(async () => {
  await t?.close();
  await api?.close();
});

function call(method: string, url: string, bearer = token) {
  return t.inject({ method, url, headers: { authorization: `Bearer ${bearer}` } } as never);
}

async function createCode(bearer = token): Promise<string> {
  const response = await call("POST", "/api/telegram/auth/codes", bearer);
  expect(response.statusCode).toBe(201);
  const body = response.json() as { code: string; expires_at: string };
  expect(body.code).toMatch(/^[A-HJ-KMNP-Z2-9]{8}$/);
  const minutes = (Date.parse(body.expires_at) - Date.now()) / 60_000;
  expect(minutes).toBeGreaterThan(9);
  expect(minutes).toBeLessThanOrEqual(10);
  return body.code;
}

/** Sends a text as `user` and waits for the n-th new message the bot sends back. */
async function say(user: typeof alice, text: string, replies = 1): Promise<string[]> {
  const before = api.textsTo(user.id).length;
  api.pushText(user, text);
  await waitFor(() => api.textsTo(user.id).length >= before + replies, `reply to ${text}`);
  return api.textsTo(user.id).slice(before);
}

type Keyboard = Array<Array<{ text: string; callback_data: string }>>;

/** The last message the bot sent to a user: its id, text and inline keyboard. */
function lastSent(user: typeof alice) {
  const call = api
    .callsOf("sendMessage")
    .filter((c) => c.body.chat_id === user.id)
    .at(-1);
  if (call === undefined) throw new Error(`no message sent to ${user.first_name}`);
  const markup = call.body.reply_markup as { inline_keyboard: Keyboard } | undefined;
  return {
    messageId: (call.result as { message_id: number }).message_id,
    text: String(call.body.text),
    keyboard: markup?.inline_keyboard ?? [],
  };
}

/** Presses a button as `user`; waits for the answer and returns its notice text. */
async function press(user: typeof alice, data: string, messageId: number) {
  const id = api.pushCallback(user, data, messageId);
  const answer = await waitFor(
    () => api.callsOf("answerCallbackQuery").find((c) => c.body.callback_query_id === id),
    `the answer to ${data}`,
  );
  return answer.body.text as string | undefined;
}

/** The plugin's entry in /health with the details an administrator sees. */
function pluginHealth(name: string) {
  return t.health(name);
}

describe("telegram plugin", () => {
  it("polls the Bot API and reports itself up", async () => {
    await waitFor(() => api.callsOf("getUpdates").length > 0, "the first getUpdates");
    expect(api.callsOf("getMe").length).toBeGreaterThan(0);
    expect(api.callsOf("deleteWebhook")[0]?.body).not.toMatchObject({ drop_pending_updates: true });
    const health = await pluginHealth("telegram");
    expect(health).toMatchObject({ status: "up", data: { mode: "polling", connected: true } });
    expect(api.callsOf("setWebhook")).toHaveLength(0);
    const webhook = await t.inject({
      method: "POST",
      url: "/api/telegram/webhook",
      headers: { "x-telegram-bot-api-secret-token": "anything-anything" },
      payload: { update_id: 1 },
    });
    expect(webhook.statusCode).toBe(404);
  });

  it("needs a signed-in user with telegram:link for a code", async () => {
    expect((await call("POST", "/api/telegram/auth/codes", "nope")).statusCode).toBe(401);
    await t.kernel.users.create({
      username: "viewer",
      password: "viewer-pass",
      permissions: ["reports:read"],
      companies: [2],
    });
    const viewer = await t.login("viewer", "viewer-pass");
    expect((await call("POST", "/api/telegram/auth/codes", viewer)).statusCode).toBe(403);
    expect((await call("GET", "/api/telegram/auth/status", viewer)).json()).toMatchObject({
      linked: false,
    });
  });

  it("tells an unlinked user how to link", async () => {
    const [reply] = await say(bob, "/dashboard");
    expect(reply).toBe(EN.notLinked);
  });

  it("links with /start CODE and shows the dashboard with formatted amounts", async () => {
    const code = await createCode();
    const [confirmation] = await say(alice, `/start ${code}`);
    expect(confirmation).toContain("Linked to roa2web as");
    expect((await call("GET", "/api/telegram/auth/status")).json()).toMatchObject({
      linked: true,
      links: [{ telegram_user_id: alice.id, current_company_id: 1 }],
    });
    const [dashboard] = await say(alice, "/dashboard");
    expect(dashboard).toContain("Revenue: <b>");
    expect(dashboard).toMatch(AMOUNT);
    const sent = api.callsOf("sendMessage").at(-1);
    expect(sent?.body).toMatchObject({ chat_id: alice.id, parse_mode: "HTML" });
  });

  it("tells a service account which roa2web user a Telegram account is (verify-user)", async () => {
    const verify = (bearer: string, payload: unknown) =>
      t.inject({
        method: "POST",
        url: "/api/telegram/auth/verify-user",
        headers: { authorization: `Bearer ${bearer}` },
        payload,
      } as never);
    await t.kernel.users.create({
      username: "old-bot",
      password: "old-bot-pass",
      permissions: ["telegram:verify-user"],
      companies: [],
    });
    const service = await t.login("old-bot", "old-bot-pass");
    const linked = await verify(service, { telegram_user_id: alice.id });
    expect(linked.statusCode, linked.body).toBe(200);
    expect(linked.json()).toMatchObject({
      linked: true,
      user: { username: "demo" },
      permissions: ["*:*"],
      companies: "*",
      current_company_id: 1,
    });
    expect((await verify(service, { telegram_user_id: bob.id })).statusCode).toBe(404);
    expect((await verify(service, { telegram_user_id: "x" })).statusCode).toBe(400);
    // The linked user's own token does not carry the permission... unless it is *:*.
    const viewer = await t.login("viewer", "viewer-pass");
    expect((await verify(viewer, { telegram_user_id: alice.id })).statusCode).toBe(403);
  });

  it("lists overdue invoices and treasury balances", async () => {
    const [invoices] = await say(alice, "/invoices");
    expect(invoices).toContain("Overdue client invoices");
    expect(invoices).toMatch(AMOUNT);
    // And what falls due this week, with its count and sum.
    expect(invoices).toMatch(/<b>Due in the next 7 days<\/b>: \d+, outstanding <b>/);
    const [treasury] = await say(alice, "/treasury");
    expect(treasury).toContain("Treasury");
    expect(treasury).toMatch(/Bank: <b>-?\d{1,3}(\.\d{3})*,\d{2} RON<\/b>/);
  });

  it("answers in Romanian a Telegram client set to Romanian, before and after linking", async () => {
    expect(await say(ioana, "/help")).toEqual([RO.help]);
    expect(await say(ioana, "/dashboard")).toEqual([RO.notLinked]);
    expect(await say(ioana, "/link ZZZZ2222")).toEqual([RO.codeUnknown]);
    const [confirmation] = await say(ioana, `/link ${await createCode()}`);
    expect(confirmation).toContain("Legat de roa2web ca <b>");
    expect(confirmation).toContain("Firma curentă: <b>");
    const [dashboard] = await say(ioana, "/dashboard");
    expect(dashboard).toContain("Venituri: <b>");
    expect(dashboard).toMatch(/Creanțe: .* \(restante /);
    const [invoices] = await say(ioana, "/invoices");
    expect(invoices).toContain("Facturi restante de la clienți");
    expect(invoices).toMatch(/<b>Scadente în următoarele 7 zile<\/b>: \d+, de încasat <b>/);
    const [treasury] = await say(ioana, "/treasury");
    expect(treasury).toMatch(/Bancă: <b>-?\d{1,3}(\.\d{3})*,\d{2} RON<\/b>/);
    // A button pressed by someone else is refused in the presser's language.
    const sent = lastSent(ioana);
    const next = sent.keyboard.at(-1)?.at(-1)?.callback_data ?? "";
    expect(await press(mallory, next, sent.messageId)).toBe(EN.notices.foreignList);
    expect(await press(ioana, "pg:z:1:1:1", sent.messageId)).toBe(RO.notices.staleButton);
    expect(await say(ioana, "/unlink")).toEqual([RO.unlinked]);
  });

  it("chooses the company with an inline keyboard", async () => {
    await say(alice, "/companies");
    const keyboard = api.callsOf("sendMessage").at(-1)?.body.reply_markup as {
      inline_keyboard: Array<Array<{ text: string; callback_data: string }>>;
    };
    expect(keyboard.inline_keyboard.length).toBeGreaterThanOrEqual(2);
    const second = keyboard.inline_keyboard[1]?.[0];
    expect(second?.callback_data).toBe("company:2");
    const callbackId = api.pushCallback(alice, "company:2", 1);
    await waitFor(
      () => api.callsOf("answerCallbackQuery").find((c) => c.body.callback_query_id === callbackId),
      "answerCallbackQuery",
    );
    await waitFor(() => api.callsOf("editMessageText").length > 0, "editMessageText");
    expect((await call("GET", "/api/telegram/auth/status")).json()).toMatchObject({
      links: [{ current_company_id: 2 }],
    });
    const [dashboard] = await say(alice, "/dashboard");
    expect(dashboard).toContain(`<b>${second?.text.replace(/&/g, "&amp;")}</b>`);
  });

  it("pages overdue invoices with ◀ / ▶ buttons that edit the message in place", async () => {
    await say(alice, "/invoices");
    const first = lastSent(alice);
    const pages = Number(/Page 1 of (\d+)$/.exec(first.text)?.[1]);
    expect(pages).toBeGreaterThanOrEqual(2);
    expect(first.text).toMatch(/\n1\. /);
    const pager = first.keyboard.at(-1) ?? [];
    expect(pager.map((button) => button.text)).toEqual([`1 / ${pages}`, "▶"]);
    const next = pager[1]?.callback_data ?? "";
    expect(Buffer.byteLength(next)).toBeLessThanOrEqual(MAX_CALLBACK_BYTES);
    expect(decodePage(next)).toMatchObject({ kind: "invoices", page: 2, owner: alice.id });

    const edits = api.callsOf("editMessageText").length;
    expect(await press(alice, next, first.messageId)).toBeUndefined();
    const edit = await waitFor(() => api.callsOf("editMessageText")[edits], "the edit");
    expect(edit.body).toMatchObject({ chat_id: alice.id, message_id: first.messageId });
    expect(String(edit.body.text)).toMatch(/\n3\. [\s\S]*Page 2 of \d+$/);
    const buttons = (edit.body.reply_markup as { inline_keyboard: Keyboard }).inline_keyboard;
    expect(buttons.at(-1)?.[0]).toMatchObject({ text: "◀" });
  });

  it("pages the treasury accounts and the company list", async () => {
    await say(alice, "/treasury");
    const sent = lastSent(alice);
    // The current company is 2 since the company test; its accounts, read over HTTP.
    const period = /Treasury, (\d{4}-\d{2})/.exec(sent.text)?.[1];
    const response = await call("GET", `/api/reports/treasury?company=2&period=${period}`);
    const accounts = (response.json() as { accounts: unknown[] }).accounts.length;
    expect(accounts).toBeGreaterThanOrEqual(3);
    const pages = Math.ceil(accounts / 2);
    expect(sent.text).toMatch(new RegExp(`Bank: <b>.*\\n\\nPage 1 of ${pages}$`));
    const treasuryEdits = api.callsOf("editMessageText").length;
    await press(alice, sent.keyboard.at(-1)?.at(-1)?.callback_data ?? "", sent.messageId);
    const turned = await waitFor(
      () => api.callsOf("editMessageText")[treasuryEdits],
      "the treasury edit",
    );
    expect(String(turned.body.text)).toContain(`Page 2 of ${pages}`);

    await say(alice, "/companies");
    const companies = lastSent(alice);
    expect(companies.text).toBe(EN.chooseCompanyPage(1, 2));
    expect(companies.keyboard.map((row) => row[0]?.callback_data)).toEqual([
      "company:1",
      "company:2",
      PAGE_LABEL_DATA,
    ]);
    expect(companies.keyboard[2]?.[1]).toMatchObject({ text: "▶" });
    const edits = api.callsOf("editMessageText").length;
    await press(alice, companies.keyboard[2]?.[1]?.callback_data ?? "", companies.messageId);
    const edit = await waitFor(() => api.callsOf("editMessageText")[edits], "the edit");
    const keyboard = (edit.body.reply_markup as { inline_keyboard: Keyboard }).inline_keyboard;
    expect(keyboard[0]?.[0]?.callback_data).toBe("company:3");
  });

  it("answers a foreign, stale or out-of-scope button with a short notice, editing nothing", async () => {
    await say(alice, "/invoices");
    const sent = lastSent(alice);
    const next = sent.keyboard.at(-1)?.at(-1)?.callback_data ?? "";
    const edits = api.callsOf("editMessageText").length;
    expect(await press(mallory, next, sent.messageId)).toBe(EN.notices.foreignList);
    expect(await press(alice, "pg:z:1:1:1", sent.messageId)).toBe(EN.notices.staleButton);
    expect(await press(alice, "report:old-style", sent.messageId)).toBe(EN.notices.staleButton);
    // A company that the user may not see (here: that does not exist).
    const owner = alice.id.toString(36);
    expect(await press(alice, `pg:i:zz:1:${owner}`, sent.messageId)).toBe(
      EN.notices.companyNotVisible,
    );
    expect(api.callsOf("editMessageText")).toHaveLength(edits);
  });

  it("follows grant changes in roa2web at once, on commands and on page buttons", async () => {
    const user = await t.kernel.users.create({
      username: "dave",
      password: "dave-pass",
      permissions: ["telegram:link", "reports:read"],
      companies: [1, 2],
    });
    // The kernel has no user-admin API yet: change the grants in its store directly.
    const users = (
      t.kernel.users as unknown as {
        repository: { update(where: object, values: object): Promise<unknown> };
      }
    ).repository;
    const code = await createCode(await t.login("dave", "dave-pass"));
    expect((await say(dave, `/link ${code}`))[0]).toContain("Linked");
    await say(dave, "/invoices");
    const list = lastSent(dave);
    expect(list.text).toContain("Page 1 of");
    const next = list.keyboard.at(-1)?.at(-1)?.callback_data ?? "";

    await users.update({ id: user.id }, { companies: [2] });
    const edits = api.callsOf("editMessageText").length;
    expect(await press(dave, next, list.messageId)).toBe(EN.notices.companyNotVisible);
    expect(api.callsOf("editMessageText")).toHaveLength(edits);
    await say(dave, "/companies");
    expect(lastSent(dave).keyboard.map((row) => row[0]?.callback_data)).toEqual(["company:2"]);

    await users.update({ id: user.id }, { permissions: ["telegram:link"] });
    expect(await say(dave, "/dashboard")).toEqual([EN.noReportsPermission]);
    await users.update({ id: user.id }, { permissions: ["reports:read"] });
    expect(await say(dave, "/dashboard")).toEqual([EN.accountGone]);
    await users.update({ id: user.id }, { permissions: ["*:*"], disabled: true });
    expect(await say(dave, "/treasury")).toEqual([EN.accountGone]);
    await users.update({ id: user.id }, { disabled: false });
    expect((await say(dave, "/dashboard"))[0]).toMatch(AMOUNT);
  });

  it("refuses wrong, used and too many codes with clear messages", async () => {
    const code = await createCode();
    expect(await say(bob, "/link ZZZZ2222")).toEqual([EN.codeUnknown]);
    expect(await say(bob, "/link hello")).toEqual([EN.codeUnknown]);
    expect((await say(bob, `/link ${code}`))[0]).toContain("Linked");
    expect(await say(mallory, `/link ${code}`)).toEqual([EN.codeUsed]);
    for (let i = 0; i < 4; i += 1) await say(mallory, "/link ZZZZ3333");
    const fresh = await createCode();
    expect(await say(mallory, `/link ${fresh}`)).toEqual([EN.tooManyAttempts]);
    expect(await say(bob, "/unlink")).toEqual([EN.unlinked]);
    expect(await say(bob, "/dashboard")).toEqual([EN.notLinked]);
  });

  it("says so when the reports plugin is switched off", async () => {
    const disabled = await call("POST", "/api/kernel/plugins/reports/disable");
    expect(disabled.statusCode).toBe(200);
    try {
      expect(await say(alice, "/dashboard")).toEqual([EN.reportsOff]);
    } finally {
      expect((await call("POST", "/api/kernel/plugins/reports/enable")).statusCode).toBe(200);
    }
    expect((await say(alice, "/dashboard"))[0]).toMatch(AMOUNT);
  });

  it("stops polling when disabled and handles each update once after enable", async () => {
    expect((await call("POST", "/api/kernel/plugins/telegram/disable")).statusCode).toBe(200);
    const polls = api.callsOf("getUpdates").length;
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(api.callsOf("getUpdates").length).toBe(polls);
    expect((await call("GET", "/api/telegram/auth/status")).statusCode).toBe(404);

    // An update that arrives while the plugin is off is handled after enable, once.
    const before = api.textsTo(alice.id).length;
    api.pushText(alice, "/help");
    expect((await call("POST", "/api/kernel/plugins/telegram/enable")).statusCode).toBe(200);
    await waitFor(() => api.textsTo(alice.id).length > before, "the /help reply");
    await say(alice, "/dashboard");
    await new Promise((resolve) => setTimeout(resolve, 300));
    const replies = api.textsTo(alice.id).slice(before);
    expect(replies).toHaveLength(2);
    expect(replies[0]).toBe(EN.help);
    expect(replies[1]).toMatch(AMOUNT);
  });

  it("unlinks from the web", async () => {
    const response = await call("DELETE", "/api/telegram/auth/link");
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ removed: 1 });
    expect(await say(alice, "/dashboard")).toEqual([EN.notLinked]);
  });

  it("reloads without running two pollers", async () => {
    expect((await call("POST", "/api/kernel/plugins/telegram/reload")).statusCode).toBe(200);
    const before = api.textsTo(bob.id).length;
    api.pushText(bob, "/help");
    await waitFor(() => api.textsTo(bob.id).length > before, "the /help reply");
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(api.textsTo(bob.id).length).toBe(before + 1);
  });
});
