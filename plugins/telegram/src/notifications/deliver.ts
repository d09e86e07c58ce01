/**
 * Sends one notification to one chat and never throws: a notification is sent on
 * behalf of an event, and nothing that goes wrong with Telegram (the user blocked the
 * bot, the chat is gone, a button URL Telegram refuses, the Bot API is down) may reach
 * the plugin that emitted it. Each failure is logged with the chat and Telegram's
 * answer.
 */
import type { Logger } from "@roa2web/plugin-sdk";
import { type Telegram, TelegramError } from "telegraf";

export interface UrlButton {
  text: string;
  url: string;
}

/** Whether the message reached Telegram. */
export type Deliver = (chatId: number, html: string, button?: UrlButton) => Promise<boolean>;

export function createDeliver(telegram: Pick<Telegram, "sendMessage">, logger: Logger): Deliver {
  const send = (chatId: number, html: string, button: UrlButton | undefined) =>
    telegram.sendMessage(chatId, html, {
      parse_mode: "HTML",
      ...(button === undefined ? {} : { reply_markup: { inline_keyboard: [[button]] } }),
    });

  return async (chatId, html, button) => {
    try {
      await send(chatId, html, button);
      return true;
    } catch (error) {
      const code = error instanceof TelegramError ? error.code : undefined;
      const description = error instanceof TelegramError ? error.description : String(error);
      if (button !== undefined && code === 400 && /button|url/i.test(description)) {
        // The web address is one Telegram does not accept in a button (a bare host
        // name, an IP, localhost): the message still goes, without the button.
        logger.warn(
          { chatId, url: button.url, telegram: description },
          "Telegram refused the notification's button: check TELEGRAM_WEB_URL; sent without it",
        );
        try {
          await send(chatId, html, undefined);
          return true;
        } catch (retryError) {
          logger.warn({ err: retryError, chatId }, "A Telegram notification could not be sent");
          return false;
        }
      }
      if (code === 403) {
        // Blocked by the user, or the account was deleted: nothing to retry.
        logger.info(
          { chatId, telegram: description },
          "A Telegram notification was not delivered: the user blocked the bot or left",
        );
        return false;
      }
      logger.warn(
        { err: error, chatId, telegram: description },
        "A Telegram notification could not be sent",
      );
      return false;
    }
  };
}
