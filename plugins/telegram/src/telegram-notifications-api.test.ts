import {
  type ReceiptApproved,
  type ReceiptRejected,
  type ReceiptSubmitted,
  receiptApproved,
  receiptRejected,
  receiptSubmitted,
} from "@roa2web/data-entry-contract";
import type { TestKernel } from "@roa2web/kernel/testing";
import type { EventRef } from "@roa2web/plugin-sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeBotApi, linkChat, type TestUser, waitFor } from "./fake-bot-api.js";
import { startBotKernel } from "./test/bot-kernel.js";

const WEB_URL = "https://erp.example.com/roa";

// Telegram users; the roa2web accounts they link to are made in beforeAll.
const vera = { id: 5001, first_name: "Vera", language_code: "ro" }; // approver of company 2
const otto = { id: 5002, first_name: "Otto", language_code: "en" }; // approver of company 3 only
const nora = { id: 5003, first_name: "Nora", language_code: "en" }; // reads company 2, no approve
const clara = { id: 5004, first_name: "Clara", language_code: "en-GB" }; // the clerk who submits
const quinn = { id: 5005, first_name: "Quinn", language_code: "en" }; // approver of 2, opts out
const blocky = { id: 5006, first_name: "Blocky" }; // approver of 2 who blocked the bot
const boss = { id: 5007, first_name: "Boss", language_code: "ro-RO" }; // the demo user: *:* on every company

let t: TestKernel;
let api: FakeBotApi;
const logLines: Array<Record<string, unknown>> = [];
const accounts = new Map<string, number>();

/** The kernel's user store (it has no user-admin API yet): grants changed directly. */
function userStore() {
  return (
    t.kernel.users as unknown as {
      repository: { update(where: object, values: object): Promise<unknown> };
    }
  ).repository;
}

async function linkAs(user: TestUser, bearer: string): Promise<void> {
  // Confirmed in the chat's language (Vera's and the boss's Telegram are Romanian).
  expect(await linkChat(t, api, user, bearer)).toMatch(
    user.language_code?.startsWith("ro") ? /^Legat de roa2web ca / : /^Linked to roa2web as /,
  );
}

const submitted = (receiptId: number, companyId = 2): ReceiptSubmitted => ({
  receiptId,
  companyId,
  companyName: "Alfa & <Beta> SRL",
  submittedBy: { userId: accounts.get("clara") ?? 0, name: "Clara <Pop>" },
  documentNumber: "BF-0042",
  documentDate: "2026-12-01",
  partner: "Lidl Discount",
  amounts: { total: 1234.5, vat: 197.1, currency: "RON", totalLei: 1234.5 },
});

/**
 * Emits as data-entry does and waits for the notifier's summary line for that receipt
 * (so "not told" is checked after the notifier has finished, not by a timeout).
 */
async function emit<P extends ReceiptSubmitted>(event: EventRef<P>, payload: P, summary: string) {
  const seen = logLines.length;
  t.emit(event, payload);
  return waitFor(
    () =>
      logLines
        .slice(seen)
        .find((line) => line.msg === summary && line.receiptId === payload.receiptId),
    summary,
  );
}
const WAITS = "Approvers told on Telegram that a receipt waits";
const DECIDED = "Submitter told on Telegram how a receipt was decided";

/** The sendMessage calls to a chat after `from` (an index into api.calls). */
function sentTo(user: TestUser, from: number) {
  return api.calls
    .slice(from)
    .filter((call) => call.method === "sendMessage" && call.body.chat_id === user.id);
}

/** Sends /notifications (or /notificari) as `user`: the settings message the bot answers. */
async function openSettings(user: TestUser, command = "/notifications") {
  const from = api.calls.length;
  api.pushText(user, command);
  const call = await waitFor(() => sentTo(user, from)[0], "the settings");
  const markup = call.body.reply_markup as {
    inline_keyboard: Array<Array<{ text: string; callback_data: string }>>;
  };
  return {
    text: String(call.body.text),
    keyboard: markup.inline_keyboard,
    messageId: (call.result as { message_id: number }).message_id,
  };
}

/** Presses a button as `user`; waits for the answer and returns its notice text. */
async function press(user: TestUser, data: string, messageId: number) {
  const id = api.pushCallback(user, data, messageId);
  const answer = await waitFor(
    () => api.callsOf("answerCallbackQuery").find((c) => c.body.callback_query_id === id),
    `the answer to ${data}`,
  );
  return answer.body.text as string | undefined;
}

beforeAll(async () => {
  ({ t, api } = await startBotKernel({ logLines, env: { TELEGRAM_WEB_URL: `${WEB_URL}/` } }));
  const people: Array<[TestUser, string, string[], number[]]> = [
    [vera, "vera", ["telegram:link", "data-entry:read", "data-entry:approve"], [2]],
    [otto, "otto", ["telegram:link", "data-entry:*"], [3]],
    [nora, "nora", ["telegram:link", "data-entry:read"], [2]],
    [clara, "clara", ["telegram:link", "data-entry:write"], [2]],
    [quinn, "quinn", ["telegram:link", "data-entry:approve"], [1, 2]],
    [blocky, "blocky", ["telegram:link", "data-entry:approve"], [2]],
  ];
  for (const [user, username, permissions, companies] of people) {
    const created = await t.kernel.users.create({
      username,
      password: `${username}-pass`,
      permissions,
      companies,
    });
    accounts.set(username, created.id);
    await linkAs(user, await t.login(username, `${username}-pass`));
  }
  await linkAs(boss, await t.login());
  api.failSendTo(blocky.id);
});
afterAll(async () => {
  await t?.close();
  await api?.close();
});

describe("a receipt submitted", () => {
  it("tells each linked approver of its company, in their language, with a button to it", async () => {
    const from = api.calls.length;
    const done = await emit(receiptSubmitted, submitted(77), WAITS);
    expect(done.chats).toBe(3);

    const [toVera] = sentTo(vera, from);
    expect(toVera?.body.text).toBe(
      [
        "🧾 <b>Bonul nr. 77 așteaptă aprobarea dvs.</b>",
        "<b>Alfa &amp; &lt;Beta&gt; SRL</b>",
        "Furnizor: Lidl Discount",
        "Document nr. BF-0042 din 2026-12-01",
        "Total: <b>1.234,50 RON</b> (TVA 197,10 RON)",
        "Trimis de: Clara &lt;Pop&gt;",
      ].join("\n"),
    );
    expect(toVera?.body.parse_mode).toBe("HTML");
    expect(toVera?.body.reply_markup).toEqual({
      inline_keyboard: [
        [{ text: "Deschide în roa2web", url: `${WEB_URL}/data-entry/receipts/77` }],
      ],
    });
    const [toQuinn] = sentTo(quinn, from);
    expect(toQuinn?.body.text).toContain("🧾 <b>Receipt #77 is waiting for your approval</b>");
    expect(toQuinn?.body.text).toContain("Submitted by: Clara &lt;Pop&gt;");
    expect(toQuinn?.body.reply_markup).toEqual({
      inline_keyboard: [[{ text: "Open in roa2web", url: `${WEB_URL}/data-entry/receipts/77` }]],
    });
    expect(sentTo(boss, from)).toHaveLength(1);

    // Approver of another company, a reader without approve, the submitter: nothing.
    for (const user of [otto, nora, clara]) expect(sentTo(user, from)).toEqual([]);
  });

  it("logs a chat that blocked the bot and still tells the others", async () => {
    const from = api.calls.length;
    const seen = logLines.length;
    await emit(receiptSubmitted, submitted(78), WAITS);
    expect(sentTo(blocky, from)).toHaveLength(1);
    expect(sentTo(vera, from)).toHaveLength(1);
    const refused = logLines
      .slice(seen)
      .find(
        (line) =>
          line.msg ===
          "A Telegram notification was not delivered: the user blocked the bot or left",
      );
    expect(refused).toMatchObject({ chatId: blocky.id, module: "telegram" });
    expect(t.kernel.plugins.get("telegram")?.state).toBe("enabled");
  });

  it("follows the approvers' current grants, not those at linking", async () => {
    const veraId = accounts.get("vera");
    await userStore().update({ id: veraId }, { companies: [3] });
    try {
      const from = api.calls.length;
      await emit(receiptSubmitted, submitted(79), WAITS);
      expect(sentTo(vera, from)).toEqual([]);
      expect(sentTo(quinn, from)).toHaveLength(1);

      // For company 3 now: Vera and Otto, not Quinn.
      const next = api.calls.length;
      await emit(receiptSubmitted, submitted(80, 3), WAITS);
      expect(sentTo(vera, next)).toHaveLength(1);
      expect(sentTo(otto, next)).toHaveLength(1);
      expect(sentTo(quinn, next)).toEqual([]);
    } finally {
      await userStore().update({ id: veraId }, { companies: [2] });
    }
  });

  it("sends without the button when Telegram refuses the web address in it", async () => {
    api.refuseButtonUrls(/erp\.example\.com/);
    try {
      const from = api.calls.length;
      await emit(receiptSubmitted, submitted(81), WAITS);
      const toVera = sentTo(vera, from);
      expect(toVera).toHaveLength(2);
      expect(toVera[1]?.body.reply_markup).toBeUndefined();
      expect(toVera[1]?.body.text).toContain("Bonul nr. 81");
    } finally {
      api.refuseButtonUrls(undefined);
    }
  });
});

describe("/notifications", () => {
  it("turns the approval messages off and on again, kept per Telegram user", async () => {
    const settings = await openSettings(quinn);
    expect(settings.text).toContain("Receipts waiting for my approval: <b>✅ on</b>");
    expect(settings.keyboard.map((row) => row[0])).toEqual([
      { text: "Turn off: Receipts waiting for my approval", callback_data: "nt:a:0" },
      { text: "Turn off: The answer to receipts I submitted", callback_data: "nt:o:0" },
    ]);
    const { messageId } = settings;
    const edits = api.callsOf("editMessageText").length;
    expect(await press(quinn, "nt:a:0", messageId)).toBe("Saved.");
    // The button is answered first, then the message redrawn.
    const edited = await waitFor(
      () => api.callsOf("editMessageText")[edits],
      "the redrawn settings",
    );
    expect(edited?.body.text).toContain("Receipts waiting for my approval: <b>🔕 off</b>");
    expect(edited?.body.text).toContain("The answer to receipts I submitted: <b>✅ on</b>");

    let from = api.calls.length;
    await emit(receiptSubmitted, submitted(82), WAITS);
    expect(sentTo(quinn, from)).toEqual([]);
    expect(sentTo(vera, from)).toHaveLength(1);

    // Pressed twice (an old message): the same state, not a flip.
    expect(await press(quinn, "nt:a:0", messageId)).toBe("Saved.");
    expect(await press(quinn, "nt:a:1", messageId)).toBe("Saved.");
    from = api.calls.length;
    await emit(receiptSubmitted, submitted(83), WAITS);
    expect(sentTo(quinn, from)).toHaveLength(1);
  });

  it("answers in Romanian to /notificari from a Romanian Telegram", async () => {
    expect((await openSettings(vera, "/notificari")).text).toContain(
      "Bonuri care așteaptă aprobarea mea: <b>✅ pornite</b>",
    );
  });
});

describe("a receipt decided", () => {
  const decided = (receiptId: number) => ({
    ...submitted(receiptId),
    decidedBy: { userId: accounts.get("vera") ?? 0, name: "Vera Ionescu" },
  });

  it("tells the submitter it was approved", async () => {
    const from = api.calls.length;
    const approved: ReceiptApproved = decided(77);
    const done = await emit(receiptApproved, approved, DECIDED);
    expect(done.chats).toBe(1);
    const [toClara] = sentTo(clara, from);
    expect(toClara?.body.text).toContain("✅ <b>Receipt #77 was approved</b> by Vera Ionescu.");
    expect(toClara?.body.text).toContain("Total: <b>1.234,50 RON</b> (VAT 197,10 RON)");
    expect(toClara?.body.reply_markup).toEqual({
      inline_keyboard: [[{ text: "Open in roa2web", url: `${WEB_URL}/data-entry/receipts/77` }]],
    });
    for (const user of [vera, quinn, boss, nora]) expect(sentTo(user, from)).toEqual([]);
  });

  it("tells the submitter it was rejected, with the reason", async () => {
    const from = api.calls.length;
    const rejected: ReceiptRejected = { ...decided(78), reason: "Lipsește <CUI>-ul furnizorului" };
    await emit(receiptRejected, rejected, DECIDED);
    const [toClara] = sentTo(clara, from);
    expect(toClara?.body.text).toContain("❌ <b>Receipt #78 was rejected</b> by Vera Ionescu.");
    expect(toClara?.body.text).toContain("Reason: Lipsește &lt;CUI&gt;-ul furnizorului");
  });

  it("tells nothing to a submitter who turned outcomes off, or lost the company", async () => {
    const { messageId } = await openSettings(clara);
    expect(await press(clara, "nt:o:0", messageId)).toBe("Saved.");
    let from = api.calls.length;
    const done = await emit(receiptApproved, decided(83), DECIDED);
    expect(done.chats).toBe(0);
    expect(sentTo(clara, from)).toEqual([]);

    expect(await press(clara, "nt:o:1", messageId)).toBe("Saved.");
    const claraId = accounts.get("clara");
    await userStore().update({ id: claraId }, { companies: [1] });
    try {
      from = api.calls.length;
      expect((await emit(receiptApproved, decided(84), DECIDED)).chats).toBe(0);
      expect(sentTo(clara, from)).toEqual([]);
    } finally {
      await userStore().update({ id: claraId }, { companies: [2] });
    }
  });
});
