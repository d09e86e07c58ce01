/**
 * Photo → DRAFT receipt in a real kernel (the BUILT plugin) against a fake Bot API,
 * with a stand-in `data-entry.receipts` provider registered through the test kit's
 * `t.provide` (a factory called with the caller the kernel built; the real data-entry
 * plugin is switched off here): the happy path with
 * one company and with the company question, OCR that reads nothing, no permission,
 * the service absent, and images too large.
 */
import { createRequire } from "node:module";
import path from "node:path";
import {
  type DataEntryReceipts,
  type DraftFromImageInput,
  dataEntryReceipts,
  type OcrReading,
} from "@roa2web/data-entry-contract";
import type { TestKernel } from "@roa2web/kernel/testing";
import type { Caller } from "@roa2web/plugin-sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeBotApi, linkChat, waitFor } from "./fake-bot-api.js";
import { PACKAGE_ROOT, startBotKernel } from "./test/bot-kernel.js";
import { botTexts } from "./texts.js";

/** What the bot says to a Telegram client in English (or in no language it reads). */
const EN = botTexts("en");

const MAX_PHOTO_BYTES = 4096;

const anna = { id: 3001, first_name: "Anna" }; // data-entry:write on company 2 only
const boss = { id: 3002, first_name: "Boss" }; // the demo user: every company

const carl = { id: 3003, first_name: "Carl" }; // no data-entry:write

interface SqliteFile {
  prepare(sql: string): { get(...args: unknown[]): unknown; run(...args: unknown[]): unknown };
  close(): void;
}
let pluginFile: SqliteFile | undefined;

/** The plugin's own SQLite file, opened once beside the running plugin (WAL: both may write). */
function linkDatabase(): SqliteFile {
  const Database = createRequire(path.resolve(PACKAGE_ROOT, "../../kernel/core/package.json"))(
    "better-sqlite3",
  );
  pluginFile ??= new Database(path.join(t.dataDir, "plugins", "telegram", "telegram.db"));
  return pluginFile as SqliteFile;
}

/** Sets the chat's current company as /companies would (null: none chosen). */
function setCurrentCompany(user: { id: number }, companyId: number | null): void {
  linkDatabase()
    .prepare("UPDATE links SET current_company_id = ? WHERE telegram_user_id = ?")
    .run(companyId, user.id);
}

/** The last "which company?" question sent to the user: its buttons and message id. */
function lastQuestionTo(user: { id: number }): {
  keyboard: Array<Array<{ text: string; callback_data: string }>>;
  messageId: number;
} {
  const question = api
    .callsOf("sendMessage")
    .filter((call) => call.body.chat_id === user.id)
    .at(-1);
  if (question === undefined) throw new Error("no question sent");
  const markup = question.body.reply_markup as {
    inline_keyboard: Array<Array<{ text: string; callback_data: string }>>;
  };
  return {
    keyboard: markup.inline_keyboard,
    messageId: (question.result as { message_id: number }).message_id,
  };
}

/** A stand-in for data-entry's service: records each call; OCR settles when told. */
class FakeReceipts {
  /** Each call: what was asked, and for whom (the caller the kernel built). */
  readonly inputs: Array<DraftFromImageInput & { caller: Caller }> = [];
  private readonly ocrResults: Array<(fields: OcrReading | null) => void> = [];
  private nextId = 41;

  /** The provider's factory: the service as it acts for one caller. */
  readonly factory = (caller: Caller): DataEntryReceipts => ({
    createDraftFromImage: async (input) => {
      this.inputs.push({ ...input, caller });
      const ocr = new Promise<OcrReading | null>((resolve) => this.ocrResults.push(resolve));
      const id = this.nextId++;
      return {
        receipt: { id, status: "DRAFT", company_id: input.companyId, ocr_job_id: null },
        ocr,
      };
    },
  });

  finishOcr(index: number, fields: OcrReading | null): void {
    this.ocrResults[index]?.(fields);
  }
}

let t: TestKernel;
let api: FakeBotApi;
/** Withdraws the stand-in receipts service (data-entry switched off). */
let withdrawReceipts: () => void;
const receipts = new FakeReceipts();

async function linkAs(user: typeof anna, bearer: string): Promise<void> {
  expect(await linkChat(t, api, user, bearer)).toContain("Linked");
}

/** Waits for the n-th new message to a user after `before`, and returns the new ones. */
async function repliesTo(user: typeof anna, before: number, count = 1): Promise<string[]> {
  await waitFor(() => api.textsTo(user.id).length >= before + count, "the bot's reply");
  return api.textsTo(user.id).slice(before);
}

beforeAll(async () => {
  ({ t, api } = await startBotKernel({
    env: { TELEGRAM_MAX_PHOTO_BYTES: String(MAX_PHOTO_BYTES) },
  }));
  withdrawReceipts = t.provide(dataEntryReceipts, receipts.factory);

  for (const [username, permissions, companies] of [
    ["anna", ["telegram:link", "data-entry:write"], [2]],
    ["carl", ["telegram:link", "data-entry:read"], [1, 2]],
  ] as const) {
    await t.kernel.users.create({
      username,
      password: `${username}-pass`,
      permissions: [...permissions],
      companies: [...companies],
    });
  }
  await linkAs(anna, await t.login("anna", "anna-pass"));
  await linkAs(boss, await t.login());
  await linkAs(carl, await t.login("carl", "carl-pass"));
});
afterAll(async () => {
  pluginFile?.close();
  await t?.close();
  await api?.close();
});

describe("photo → draft receipt", () => {
  it("makes the largest size a draft of the user's only company and sends what OCR read", async () => {
    const large = Buffer.alloc(3000, 7);
    api.addFile("anna-large", large);
    api.addFile("anna-small", Buffer.alloc(100, 1));
    const before = api.textsTo(anna.id).length;
    api.pushPhoto(anna, [
      { file_id: "anna-small", width: 90, height: 120, file_size: 100 },
      { file_id: "anna-large", width: 960, height: 1280, file_size: 3000 },
    ]);
    expect(await repliesTo(anna, before)).toEqual([EN.draftCreated(41)]);
    expect(receipts.inputs).toHaveLength(1);
    const input = receipts.inputs[0];
    expect(input).toMatchObject({
      companyId: 2,
      fileName: "telegram-u-anna-large.jpg",
      // For Anna, with her grants as the kernel holds them now, via this plugin.
      caller: {
        kind: "user",
        via: "telegram",
        user: {
          username: "anna",
          companies: [2],
          permissions: ["telegram:link", "data-entry:write"],
        },
      },
    });
    expect(input?.bytes.equals(large)).toBe(true);
    expect(api.callsOf("getFile").map((call) => call.body.file_id)).toEqual(["anna-large"]);

    receipts.finishOcr(0, {
      merchant: "Lidl <Discount>",
      date: "2025-06-14",
      total: 1234.5,
      vat: 197.1,
      currency: null,
      confidence: 0.82,
      tax_id: null,
      applied: ["merchant", "date", "total", "vat"],
    });
    const [ocr] = await repliesTo(anna, before + 1);
    expect(ocr).toContain("<b>Receipt #41</b> read (confidence 82%)");
    expect(ocr).toContain("Merchant: Lidl &lt;Discount&gt;");
    expect(ocr).toContain("Date: 2025-06-14");
    expect(ocr).toContain("Total: <b>1.234,50 RON</b>");
    expect(ocr).toContain("VAT: 197,10 RON");
  });

  it("asks which company when no current company settles it, then uses the one chosen", async () => {
    // A chat whose current company is unset (or no longer granted) has to choose.
    setCurrentCompany(boss, null);
    api.addFile("boss-png", Buffer.alloc(2000, 9));
    const before = api.textsTo(boss.id).length;
    api.pushDocument(boss, { file_id: "boss-png", mime_type: "image/png", file_name: "bon.png" });
    expect(await repliesTo(boss, before)).toEqual([EN.whichCompany]);
    const { keyboard, messageId } = lastQuestionTo(boss);
    expect(keyboard).toHaveLength(3);
    const third = keyboard[2]?.[0]?.callback_data ?? "";
    expect(third).toMatch(/^rc:3:/);

    // Someone else pressing it is refused; the owner's press creates the draft.
    const foreign = api.pushCallback(anna, third, messageId);
    await waitFor(
      () =>
        api.callsOf("answerCallbackQuery").find((call) => call.body.callback_query_id === foreign),
      "the foreign answer",
    );
    expect(
      api.callsOf("answerCallbackQuery").find((call) => call.body.callback_query_id === foreign)
        ?.body.text,
    ).toBe(EN.notices.foreignList);
    api.pushCallback(boss, third, messageId);
    const replies = await repliesTo(boss, before + 1, 2);
    expect(replies[0]).toMatch(/^Receipt for <b>.+<\/b>\.$/);
    expect(replies[1]).toBe(EN.draftCreated(42));
    expect(receipts.inputs.at(-1)).toMatchObject({ companyId: 3, fileName: "bon.png" });

    // The same button again: the photo is no longer waiting.
    const again = api.pushCallback(boss, third, messageId);
    const answer = await waitFor(
      () =>
        api.callsOf("answerCallbackQuery").find((call) => call.body.callback_query_id === again),
      "the second answer",
    );
    expect(answer.body.text).toBe(EN.notices.photoGone);
    expect(receipts.inputs).toHaveLength(2);

    receipts.finishOcr(1, null);
    expect((await repliesTo(boss, before + 3))[0]).toBe(EN.receiptUnreadable(42));
  });

  it("refuses a user without data-entry:write, downloading nothing", async () => {
    api.addFile("carl-photo", Buffer.alloc(1000));
    const before = api.textsTo(carl.id).length;
    api.pushPhoto(carl, [{ file_id: "carl-photo", width: 800, height: 600, file_size: 1000 }]);
    expect(await repliesTo(carl, before)).toEqual([EN.noReceiptPermission]);
    expect(api.callsOf("getFile").filter((call) => call.body.file_id === "carl-photo")).toEqual([]);
    expect(receipts.inputs).toHaveLength(2);
  });

  it("refuses images over TELEGRAM_MAX_PHOTO_BYTES, by the size announced or the size read", async () => {
    api.addFile("big", Buffer.alloc(MAX_PHOTO_BYTES + 1));
    const before = api.textsTo(anna.id).length;
    api.pushPhoto(anna, [
      { file_id: "big", width: 4000, height: 3000, file_size: MAX_PHOTO_BYTES + 1 },
    ]);
    expect(await repliesTo(anna, before)).toEqual([EN.photoTooLarge(MAX_PHOTO_BYTES)]);
    expect(api.callsOf("getFile").filter((call) => call.body.file_id === "big")).toEqual([]);

    // Telegram may not say the size: the download is cut at the limit.
    api.addFile("quiet-big", Buffer.alloc(MAX_PHOTO_BYTES * 4), null);
    api.pushDocument(anna, { file_id: "quiet-big", mime_type: "image/jpeg", file_name: "a.jpg" });
    expect(await repliesTo(anna, before + 1)).toEqual([EN.photoTooLarge(MAX_PHOTO_BYTES)]);
    expect(api.callsOf("download").some((call) => call.body.file_id === "quiet-big")).toBe(true);
    expect(receipts.inputs).toHaveLength(2);
  });

  it("refuses a file that is not an image", async () => {
    const before = api.textsTo(anna.id).length;
    api.pushDocument(anna, {
      file_id: "pdf",
      mime_type: "application/pdf",
      file_name: "invoice.pdf",
    });
    expect(await repliesTo(anna, before)).toEqual([EN.notAnImage]);
  });

  it("says receipts are not available while the data-entry service is absent", async () => {
    withdrawReceipts();
    try {
      api.addFile("anna-later", Buffer.alloc(500));
      const before = api.textsTo(anna.id).length;
      api.pushPhoto(anna, [{ file_id: "anna-later", width: 800, height: 600, file_size: 500 }]);
      expect(await repliesTo(anna, before)).toEqual([EN.receiptsOff]);
      expect(receipts.inputs).toHaveLength(2);
    } finally {
      withdrawReceipts = t.provide(dataEntryReceipts, receipts.factory);
    }
  });
  it("files a photo under the chat's current company without asking", async () => {
    setCurrentCompany(boss, 2);
    api.addFile("boss-current", Buffer.alloc(2000, 7));
    const before = api.textsTo(boss.id).length;
    const made = receipts.inputs.length;
    api.pushDocument(boss, { file_id: "boss-current", mime_type: "image/png", file_name: "a.png" });
    const [created] = await repliesTo(boss, before);
    expect(created).toMatch(/^Draft receipt #\d+ created/);
    expect(api.textsTo(boss.id).slice(before)).not.toContain(EN.whichCompany);
    expect(receipts.inputs).toHaveLength(made + 1);
    expect(receipts.inputs.at(-1)).toMatchObject({ companyId: 2, fileName: "a.png" });
  });
  it("keeps a photo waiting for the company question across a plugin reload", async () => {
    setCurrentCompany(boss, null);
    api.addFile("boss-reload", Buffer.alloc(2000, 5));
    const before = api.textsTo(boss.id).length;
    api.pushDocument(boss, { file_id: "boss-reload", mime_type: "image/png", file_name: "r.png" });
    expect(await repliesTo(boss, before)).toEqual([EN.whichCompany]);
    const { keyboard, messageId } = lastQuestionTo(boss);
    const second = keyboard[1]?.[0]?.callback_data ?? "";

    // A new bot instance, as after a restart: the question can still be answered.
    const reload = await t.inject({
      method: "POST",
      url: "/api/kernel/plugins/telegram/reload",
      headers: { authorization: `Bearer ${await t.login()}` },
    });
    expect(reload.statusCode, reload.body).toBe(200);
    const made = receipts.inputs.length;
    api.pushCallback(boss, second, messageId);
    const replies = await repliesTo(boss, before + 1, 2);
    expect(replies[0]).toMatch(/^Receipt for <b>.+<\/b>\.$/);
    expect(receipts.inputs).toHaveLength(made + 1);
    expect(receipts.inputs.at(-1)).toMatchObject({ companyId: 2, fileName: "r.png" });
    const stored = linkDatabase()
      .prepare("SELECT COUNT(*) AS n FROM pending_photos WHERE file_id = ?")
      .get("boss-reload") as { n: number };
    expect(stored.n).toBe(0);
  });
});
