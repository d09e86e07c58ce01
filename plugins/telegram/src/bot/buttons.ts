/**
 * What every pressed inline button goes through before it acts (the ◀ / ▶ of a list,
 * the company of a photo): its data still decodes, what it names is still there, it
 * was drawn for the one who pressed it, and they are still linked. A refusal is a
 * short notice on the button, never a message in the chat.
 */
import type { Context } from "telegraf";
import type { Link } from "../entities.js";
import { plainText } from "../format.js";
import type { LinkStore } from "../link-store.js";
import { type BotTexts, botTexts } from "../texts.js";
import { languageOfUpdate } from "./accounts.js";

/** Says why not (HTML) and yields nothing: a reply, or a notice on a pressed button. */
export type Refuse = (html: string) => Promise<unknown>;

export interface ButtonCheck<Data, Target extends { owner: number }> {
  /** The button's callback data, or undefined when it is not (or no longer) understood. */
  decode(data: string): Data | undefined;
  /** What the data names, with the Telegram user it was drawn for; undefined when gone. */
  find(data: Data): Target | undefined | Promise<Target | undefined>;
  /** The notice when `find` finds nothing. */
  gone: keyof BotTexts["notices"];
}

/**
 * The pressed button's data, what it names and the presser's link, once every check
 * passed; undefined after the presser was told (in their language) why not.
 */
export async function pressedButton<Data, Target extends { owner: number }>(
  ctx: Context,
  store: LinkStore,
  check: ButtonCheck<Data, Target>,
): Promise<{ data: Data; target: Target; link: Link } | undefined> {
  const query = ctx.callbackQuery;
  const data = query !== undefined && "data" in query ? check.decode(query.data) : undefined;
  const notices = botTexts(languageOfUpdate(ctx)).notices;
  if (data === undefined || ctx.from === undefined) {
    await ctx.answerCbQuery(notices.staleButton);
    return undefined;
  }
  const target = await check.find(data);
  if (target === undefined) {
    await ctx.answerCbQuery(notices[check.gone]);
    return undefined;
  }
  if (target.owner !== ctx.from.id) {
    await ctx.answerCbQuery(notices.foreignList);
    return undefined;
  }
  const link = await store.findByTelegramUser(ctx.from.id);
  if (link === null) {
    await ctx.answerCbQuery(notices.notLinked);
    return undefined;
  }
  return { data, target, link };
}

/**
 * Runs a step that refuses as it would in a reply, for a pressed button: a refusal
 * becomes the button's notice (as plain text) and the result is undefined.
 */
export async function orNotice<T>(
  ctx: Context,
  step: (refuse: Refuse) => Promise<T | undefined>,
): Promise<T | undefined> {
  let notice = "";
  const result = await step(async (html) => {
    notice = plainText(html);
  });
  if (result === undefined) await ctx.answerCbQuery(notice);
  return result;
}
