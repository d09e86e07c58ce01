/**
 * Who is writing and what they may do now: the link of a Telegram user, the linked
 * roa2web user's current grants (read from the kernel at every command, so a revoked
 * grant takes effect at once) and the companies they may see. Shared by every part
 * of the bot.
 */
import { type AuthUser, type ErpClient, hasPermission, isPermission } from "@roa2web/plugin-sdk";
import type { Context } from "telegraf";
import type { CompanyGrant, Link } from "../entities.js";
import type { LinkStore } from "../link-store.js";
import { type Language, languageOf } from "../notifications/messages.js";
import { botTexts } from "../texts.js";
import type { BotServices } from "./services.js";

export interface CompanyRow {
  id: number;
  code: string;
  name: string;
  currency: string;
}

/** What a linked user may do and see, as the bot checks it. */
export interface Grants {
  permissions: readonly string[];
  companies: CompanyGrant;
  /** The same grants as the user a service call is made for (`handle.for(user)`). */
  user: AuthUser;
}

export const HTML = { parse_mode: "HTML" } as const;

/**
 * The language to answer an update in: what Telegram says the sender uses now, else
 * what it said last for this link (kept for notifications), else English.
 */
export function languageOfUpdate(ctx: Context, link?: Link | null): Language {
  return languageOf(ctx.from?.language_code ?? link?.language);
}

export function visibleCompanies(all: CompanyRow[], grant: CompanyGrant): CompanyRow[] {
  return grant === "*" ? all : all.filter((company) => grant.includes(company.id));
}

export class Accounts {
  constructor(
    readonly store: LinkStore,
    private readonly erp: ErpClient,
    private readonly services: BotServices,
  ) {}

  /** The sender's link; tells them how to link (and returns null) when there is none. */
  async linkOf(ctx: Context): Promise<Link | null> {
    const from = ctx.from;
    if (from === undefined) return null;
    const link = await this.store.findByTelegramUser(from.id);
    if (link === null) {
      await ctx.reply(botTexts(languageOfUpdate(ctx)).notLinked, HTML);
      return null;
    }
    // Kept for messages sent without an update to answer (notifications).
    if (from.language_code !== undefined) {
      const language = languageOf(from.language_code);
      if (language !== link.language) {
        await this.store.setLanguage(from.id, language);
        link.language = language;
      }
    }
    return link;
  }

  /**
   * The linked user's grants as the kernel holds them now, read for every command and
   * every page. Undefined when the account is gone or disabled, or no longer holds
   * telegram:link (the permission to use the bot at all).
   */
  async grantsOf(link: Link): Promise<Grants | undefined> {
    const grants = await this.services.users.grantsOf(link.userId);
    if (grants === undefined || !hasPermission(grants.permissions, "telegram:link")) {
      return undefined;
    }
    return {
      permissions: grants.permissions,
      companies: grants.companies,
      user: {
        id: link.userId,
        username: grants.username,
        displayName: link.displayName,
        permissions: grants.permissions.filter(isPermission),
        companies: grants.companies,
      },
    };
  }

  allCompanies(): Promise<CompanyRow[]> {
    return this.erp.query<CompanyRow & Record<string, unknown>>(
      "SELECT id, code, name, currency FROM companies ORDER BY id",
    );
  }

  async companiesOf(grants: Grants): Promise<CompanyRow[]> {
    return visibleCompanies(await this.allCompanies(), grants.companies);
  }
}
