/**
 * Linking a chat to a roa2web account: `/link CODE` (or `/start CODE` from a
 * t.me/<bot>?start=CODE link) redeems a single-use code, with failed attempts
 * counted per Telegram user; `/unlink` removes the link.
 */
import type { Logger } from "@roa2web/plugin-sdk";
import type { Context } from "telegraf";
import { AttemptLimiter } from "../attempts.js";
import { looksLikeCode } from "../codes.js";
import { linkedMessage } from "../format.js";
import { languageOf } from "../notifications/messages.js";
import { botTexts } from "../texts.js";
import { type Accounts, HTML, languageOfUpdate } from "./accounts.js";

/** Text after the command: "/link ABCD-2345" → "ABCD-2345". */
export function commandArgument(text: string | undefined): string {
  if (text === undefined) return "";
  return text.trim().split(/\s+/).slice(1).join(" ");
}

export class Linking {
  private readonly limiter = new AttemptLimiter();

  constructor(
    private readonly accounts: Accounts,
    private readonly logger: Logger,
  ) {}

  async link(ctx: Context): Promise<void> {
    const from = ctx.from;
    const chat = ctx.chat;
    if (from === undefined || chat === undefined) return;
    const store = this.accounts.store;
    const text = ctx.message !== undefined && "text" in ctx.message ? ctx.message.text : undefined;
    const code = commandArgument(text);
    const language = languageOfUpdate(ctx);
    const texts = botTexts(language);
    if (code === "") {
      const existing = await store.findByTelegramUser(from.id);
      await ctx.reply(existing === null ? texts.notLinked : texts.help, HTML);
      return;
    }
    if (!this.limiter.allowed(from.id)) {
      await ctx.reply(texts.tooManyAttempts, HTML);
      return;
    }
    const result = looksLikeCode(code)
      ? await store.redeem(code, {
          userId: from.id,
          chatId: chat.id,
          language: from.language_code === undefined ? null : languageOf(from.language_code),
        })
      : ({ ok: false, problem: "unknown" } as const);
    if (!result.ok) {
      this.limiter.fail(from.id);
      const message =
        result.problem === "expired"
          ? texts.codeExpired
          : result.problem === "used"
            ? texts.codeUsed
            : texts.codeUnknown;
      await ctx.reply(message, HTML);
      return;
    }
    this.limiter.reset(from.id);
    const grants = await this.accounts.grantsOf(result.link);
    const companies = grants === undefined ? [] : await this.accounts.companiesOf(grants);
    const first = companies[0];
    if (first !== undefined) await store.setCurrentCompany(from.id, first.id);
    this.logger.info(
      { userId: result.link.userId, telegramUserId: from.id },
      "Telegram account linked",
    );
    await ctx.reply(linkedMessage(result.link.displayName, first?.name ?? null, language), HTML);
  }

  async unlink(ctx: Context): Promise<void> {
    if (ctx.from === undefined) return;
    const removed = await this.accounts.store.unlinkTelegramUser(ctx.from.id);
    const texts = botTexts(languageOfUpdate(ctx));
    await ctx.reply(removed ? texts.unlinked : texts.notLinked, HTML);
  }
}
