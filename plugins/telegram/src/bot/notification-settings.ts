/**
 * `/notifications` (or `/notificari`): which receipt notifications this chat gets,
 * with a button per kind that turns it on or off; the message is redrawn in place.
 */
import type { Context } from "telegraf";
import type { NotificationChoices } from "../notifications/messages.js";
import {
  decodeNotificationChoice,
  notificationSettings,
  savedNotice,
} from "../notifications/messages.js";
import { botTexts } from "../texts.js";
import { type Accounts, HTML, languageOfUpdate } from "./accounts.js";

function keyboard(view: ReturnType<typeof notificationSettings>) {
  return {
    inline_keyboard: view.buttons.map((button) => [
      { text: button.text, callback_data: button.data },
    ]),
  };
}

export class NotificationSettings {
  constructor(private readonly accounts: Accounts) {}

  async show(ctx: Context): Promise<void> {
    const link = await this.accounts.linkOf(ctx);
    if (link === null || ctx.from === undefined) return;
    const choices = await this.accounts.store.notificationPreferences().of(ctx.from.id);
    const view = notificationSettings(choices, languageOfUpdate(ctx, link));
    await ctx.reply(view.text, { ...HTML, reply_markup: keyboard(view) });
  }

  /** A button of the settings message: sets the kind it names and redraws the message. */
  async choose(ctx: Context): Promise<void> {
    const query = ctx.callbackQuery;
    const choice =
      query !== undefined && "data" in query ? decodeNotificationChoice(query.data) : undefined;
    if (choice === undefined || ctx.from === undefined) {
      await ctx.answerCbQuery(botTexts(languageOfUpdate(ctx)).notices.staleButton);
      return;
    }
    const link = await this.accounts.store.findByTelegramUser(ctx.from.id);
    if (link === null) {
      await ctx.answerCbQuery(botTexts(languageOfUpdate(ctx)).notices.notLinked);
      return;
    }
    const choices: NotificationChoices = await this.accounts.store
      .notificationPreferences()
      .set(ctx.from.id, choice.kind, choice.on);
    const language = languageOfUpdate(ctx, link);
    await ctx.answerCbQuery(savedNotice(language));
    const view = notificationSettings(choices, language);
    try {
      await ctx.editMessageText(view.text, { ...HTML, reply_markup: keyboard(view) });
    } catch (error) {
      // Pressed twice: Telegram refuses an edit that changes nothing.
      if (!String((error as Error).message).includes("message is not modified")) throw error;
    }
  }
}
