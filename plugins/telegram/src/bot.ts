/**
 * The Telegram bot of one plugin instance: telegraf with long polling, or a webhook.
 * Polling: `launch()` is never awaited (it resolves only when polling ends); `stop()`
 * waits for launch to get far enough to be stoppable, then for polling to end, so a
 * disabled plugin leaves no poller behind. Webhook: `start` registers the URL and
 * secret with setWebhook; the plugin's route hands each update to `receive`.
 * Every handler error is caught by `bot.catch`.
 */
import { readFile, stat } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import {
  type ErpClient,
  hasPermission,
  isRoaError,
  type Logger,
  type ServiceRegistry,
} from "@roa2web/plugin-sdk";
import { type Context, Markup, Telegraf } from "telegraf";
import { message } from "telegraf/filters";
import type { Update } from "telegraf/types";
import { AttemptLimiter } from "./attempts.js";
import { looksLikeCode } from "./codes.js";
import type { CompanyGrant, Link } from "./entities.js";
import {
  DUE_SOON_DAYS,
  draftCreated,
  escapeHtml,
  formatDashboard,
  formatDueSoon,
  formatOcr,
  formatOverdueInvoices,
  formatTreasury,
  linkedMessage,
  MESSAGES,
  NOTICES,
  photoTooLarge,
  plainText,
  receiptUnreadable,
} from "./format.js";
import type { LinkStore } from "./link-store.js";
import {
  clampPage,
  decodePage,
  type ListKind,
  PAGE_LABEL_DATA,
  type PageRef,
  type PagerButton,
  pagerRow,
  slicePage,
} from "./paging.js";
import {
  decodeReceiptCompany,
  encodeReceiptCompany,
  type IncomingImage,
  imageOf,
  readLimited,
  type StoredPendingImages,
} from "./photos.js";
import { type DataEntryReceipts, RECEIPTS_SERVICE } from "./receipts-contract.js";
import type { ReportsLookup } from "./reports-contract.js";
import type { WebhookSettings } from "./settings.js";
import { RecentUpdates } from "./webhook.js";

/** The name under which `start` registers the bot in the instance's container. */
export const BOT = "telegram.bot";

/** The running bot of a plugin instance, or undefined (no token, or not started). */
export function botOf(context: { resolve(name: string): unknown }): TelegramBot | undefined {
  try {
    return context.resolve(BOT) as TelegramBot | undefined;
  } catch {
    return undefined;
  }
}

export interface BotOptions {
  token: string;
  apiRoot: string;
  handlerTimeoutMs: number;
  /** Rows per page of a list (invoices, treasury accounts, companies). */
  pageSize: number;
  /** The largest receipt image downloaded from Telegram. */
  maxPhotoBytes: number;
  /** Webhook mode when set; long polling otherwise. */
  webhook?: WebhookSettings | undefined;
  store: LinkStore;
  erp: ErpClient;
  services: ServiceRegistry;
  logger: Logger;
}

interface CompanyRow {
  id: number;
  code: string;
  name: string;
  currency: string;
}

const HTML = { parse_mode: "HTML" } as const;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Text after the command: "/link ABCD-2345" → "ABCD-2345". */
export function commandArgument(text: string | undefined): string {
  if (text === undefined) return "";
  return text.trim().split(/\s+/).slice(1).join(" ");
}

/**
 * The month the dashboard shows: the newest period of the books that is not after
 * the current month (the demo ERP's books may end in the past), as `YYYY-MM`.
 */
export function pickPeriod(
  periods: Array<{ year: number; month: number }>,
  now: Date,
): string | undefined {
  const current = now.getUTCFullYear() * 100 + now.getUTCMonth() + 1;
  const sorted = [...periods].sort((a, b) => b.year * 100 + b.month - (a.year * 100 + a.month));
  const chosen = sorted.find((row) => row.year * 100 + row.month <= current) ?? sorted[0];
  return chosen === undefined
    ? undefined
    : `${chosen.year}-${String(chosen.month).padStart(2, "0")}`;
}

/** What a user may do and see, as the bot checks it. */
interface Grants {
  permissions: readonly string[];
  companies: CompanyGrant;
}

interface ListView {
  text: string;
  rows: Array<Array<{ text: string; callback_data: string }>>;
}

interface ReportScope {
  reports: ReportsLookup;
  params: { company: number; period: string | undefined };
  caller: { companies: CompanyGrant };
  company: CompanyRow;
}

export function visibleCompanies(all: CompanyRow[], grant: CompanyGrant): CompanyRow[] {
  return grant === "*" ? all : all.filter((company) => grant.includes(company.id));
}

/** `2026-11-23` + 7 days → `2026-11-30` (UTC calendar arithmetic). */
function addDaysIso(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}
export class TelegramBot {
  private readonly bot: Telegraf;
  private readonly limiter = new AttemptLimiter();
  private launching: Promise<void> | undefined;
  private launchSettled = false;
  private stopping = false;
  private readonly stopped = new AbortController();
  private connected = false;
  private lastUpdateAt: Date | null = null;
  private lastError: string | null = null;
  private webhookSet = false;
  private readonly recentUpdates = new RecentUpdates();
  private readonly inFlight = new Set<Promise<void>>();
  private pendingStore: StoredPendingImages | undefined;
  /** Photos waiting for the company question, in the plugin's SQLite. */
  private get pendingImages(): StoredPendingImages {
    this.pendingStore ??= this.options.store.pendingPhotos();
    return this.pendingStore;
  }

  constructor(private readonly options: BotOptions) {
    this.bot = new Telegraf(options.token, {
      handlerTimeout: options.handlerTimeoutMs,
      telegram: { apiRoot: options.apiRoot },
    });
    this.bot.use(async (_ctx, next) => {
      this.lastUpdateAt = new Date();
      await next();
    });
    this.bot.catch((error, ctx) => {
      this.options.logger.error(
        { err: error, updateId: ctx.update.update_id },
        "Telegram update failed",
      );
    });
    this.bot.start((ctx) => this.link(ctx));
    this.bot.command("link", (ctx) => this.link(ctx));
    this.bot.help((ctx) => ctx.reply(MESSAGES.help, HTML));
    this.bot.command("unlink", (ctx) => this.unlink(ctx));
    this.bot.command("companies", (ctx) => this.showList(ctx, "companies"));
    this.bot.command("dashboard", (ctx) => this.dashboard(ctx));
    this.bot.command("invoices", (ctx) => this.showList(ctx, "invoices"));
    this.bot.command("treasury", (ctx) => this.showList(ctx, "treasury"));
    this.bot.action(/^company:(\d+)$/, (ctx) => this.chooseCompany(ctx, Number(ctx.match[1])));
    this.bot.on(message("photo"), (ctx) => this.receiveImage(ctx));
    this.bot.on(message("document"), (ctx) => this.receiveImage(ctx));
    this.bot.action(/^rc:/, (ctx) => this.chooseReceiptCompany(ctx));
    this.bot.action(PAGE_LABEL_DATA, (ctx) => ctx.answerCbQuery());
    this.bot.action(/^pg:/, (ctx) => this.turnPage(ctx));
    // Buttons of an older version of the bot, or data that is not ours.
    this.bot.on("callback_query", (ctx) => ctx.answerCbQuery(NOTICES.staleButton));
    this.bot.on("message", (ctx) => ctx.reply(MESSAGES.help, HTML));
  }

  /** The webhook settings in webhook mode; undefined while polling. */
  get webhook(): WebhookSettings | undefined {
    return this.options.webhook;
  }

  /**
   * Starts in the background: long polling, or registering the webhook. Either
   * retries with a growing delay while the Bot API cannot be reached.
   */
  start(signal: AbortSignal): void {
    const webhook = this.options.webhook;
    if (webhook !== undefined) {
      this.launching = this.registerWebhook(webhook, signal).finally(() => {
        this.launchSettled = true;
      });
      return;
    }
    this.launching = this.poll(signal).finally(() => {
      this.launchSettled = true;
      this.connected = false;
    });
  }

  private async poll(signal: AbortSignal): Promise<void> {
    let delay = 1000;
    while (!this.stopping && !signal.aborted) {
      try {
        // Resolves when polling ends (stop), never while it runs.
        await this.bot.launch({ dropPendingUpdates: false }, () => {
          this.connected = true;
          this.lastError = null;
          this.options.logger.info({ bot: this.bot.botInfo?.username }, "Telegram bot polling");
        });
        return;
      } catch (error) {
        this.failed(error, "Telegram bot could not poll; retrying");
        // A failed launch leaves telegraf's polling object behind; a new launch replaces it.
        await this.pause(delay, signal);
        delay = Math.min(delay * 2, 60_000);
      }
    }
  }

  private async registerWebhook(webhook: WebhookSettings, signal: AbortSignal): Promise<void> {
    let delay = 1000;
    while (!this.stopping && !signal.aborted) {
      try {
        // handleUpdate would otherwise call getMe on the first update.
        this.bot.botInfo ??= await this.bot.telegram.getMe();
        // Pending updates are kept: Telegram delivers them to the new URL.
        await this.bot.telegram.setWebhook(webhook.url, {
          secret_token: webhook.secret,
          drop_pending_updates: false,
        });
        if (this.stopping) return;
        this.webhookSet = true;
        this.connected = true;
        this.lastError = null;
        this.options.logger.info(
          { bot: this.bot.botInfo.username, url: webhook.url },
          "Telegram webhook set",
        );
        return;
      } catch (error) {
        this.failed(error, "Telegram webhook could not be set; retrying");
        await this.pause(delay, signal);
        delay = Math.min(delay * 2, 60_000);
      }
    }
  }

  private failed(error: unknown, message: string): void {
    this.connected = false;
    this.lastError = error instanceof Error ? error.message : String(error);
    this.options.logger.warn({ err: error }, message);
  }

  /**
   * Hands one webhook update to telegraf without waiting for it: the route answers
   * Telegram at once, the handling goes on (bounded by handlerTimeout, errors to
   * `bot.catch`). A redelivered update id is ignored. False when not taken.
   */
  receive(update: Update): boolean {
    if (this.stopping || !this.recentUpdates.add(update.update_id)) return false;
    const handling: Promise<void> = this.bot
      .handleUpdate(update)
      .catch((error: unknown) => {
        // handleUpdate catches handler errors itself; this is getMe failing.
        this.options.logger.error(
          { err: error, updateId: update.update_id },
          "Telegram update failed",
        );
      })
      .finally(() => this.inFlight.delete(handling));
    this.inFlight.add(handling);
    return true;
  }

  /**
   * Stops polling and waits (bounded) until the last getUpdates call has ended; in
   * webhook mode deletes the webhook if configured to, and waits for the updates
   * being handled.
   */
  async stop(timeoutMs = 8000): Promise<void> {
    this.stopping = true;
    this.stopped.abort();
    const deadline = Date.now() + timeoutMs;
    const remaining = () => sleep(Math.max(0, deadline - Date.now()));
    while (this.options.webhook === undefined && !this.launchSettled && Date.now() < deadline) {
      try {
        this.bot.stop("plugin stopping");
        break;
      } catch {
        // "Bot is not running!": launch has not reached polling yet (getMe or
        // deleteWebhook in flight). Try again shortly; `stopping` ends the retry loop.
        await sleep(25);
      }
    }
    if (this.launching !== undefined) await Promise.race([this.launching, remaining()]);
    if (this.webhookSet && this.options.webhook?.deleteOnStop === true) {
      try {
        await Promise.race([
          this.bot.telegram.deleteWebhook({ drop_pending_updates: false }),
          remaining(),
        ]);
        this.options.logger.info("Telegram webhook deleted");
      } catch (error) {
        this.options.logger.warn({ err: error }, "Telegram webhook could not be deleted");
      }
    }
    this.webhookSet = false;
    this.connected = this.options.webhook === undefined ? this.connected : false;
    if (this.inFlight.size > 0)
      await Promise.race([Promise.allSettled(this.inFlight), remaining()]);
  }

  /** Waits `ms`, or less when the bot or the plugin instance stops. */
  private pause(ms: number, signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        signal.removeEventListener("abort", done);
        this.stopped.signal.removeEventListener("abort", done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      signal.addEventListener("abort", done, { once: true });
      this.stopped.signal.addEventListener("abort", done, { once: true });
    });
  }

  health(): {
    mode: "polling" | "webhook";
    connected: boolean;
    last_update_at: string | null;
    last_error: string | null;
  } {
    return {
      mode: this.options.webhook === undefined ? "polling" : "webhook",
      connected: this.connected,
      last_update_at: this.lastUpdateAt?.toISOString() ?? null,
      last_error: this.lastError,
    };
  }

  private async linkOf(ctx: Context): Promise<Link | null> {
    const from = ctx.from;
    if (from === undefined) return null;
    const link = await this.options.store.findByTelegramUser(from.id);
    if (link === null) await ctx.reply(MESSAGES.notLinked, HTML);
    return link;
  }

  private async link(ctx: Context): Promise<void> {
    const from = ctx.from;
    const chat = ctx.chat;
    if (from === undefined || chat === undefined) return;
    const text = ctx.message !== undefined && "text" in ctx.message ? ctx.message.text : undefined;
    const code = commandArgument(text);
    if (code === "") {
      const existing = await this.options.store.findByTelegramUser(from.id);
      await ctx.reply(existing === null ? `${MESSAGES.notLinked}` : MESSAGES.help, HTML);
      return;
    }
    if (!this.limiter.allowed(from.id)) {
      await ctx.reply(MESSAGES.tooManyAttempts, HTML);
      return;
    }
    const result = looksLikeCode(code)
      ? await this.options.store.redeem(code, { userId: from.id, chatId: chat.id })
      : ({ ok: false, problem: "unknown" } as const);
    if (!result.ok) {
      this.limiter.fail(from.id);
      const message =
        result.problem === "expired"
          ? MESSAGES.codeExpired
          : result.problem === "used"
            ? MESSAGES.codeUsed
            : MESSAGES.codeUnknown;
      await ctx.reply(message, HTML);
      return;
    }
    this.limiter.reset(from.id);
    const grants = await this.grantsOf(result.link);
    const companies =
      grants === undefined ? [] : visibleCompanies(await this.allCompanies(), grants.companies);
    const first = companies[0];
    if (first !== undefined) await this.options.store.setCurrentCompany(from.id, first.id);
    this.options.logger.info(
      { userId: result.link.userId, telegramUserId: from.id },
      "Telegram account linked",
    );
    await ctx.reply(linkedMessage(result.link.displayName, first?.name ?? null), HTML);
  }

  private async unlink(ctx: Context): Promise<void> {
    if (ctx.from === undefined) return;
    const removed = await this.options.store.unlinkTelegramUser(ctx.from.id);
    await ctx.reply(removed ? MESSAGES.unlinked : MESSAGES.notLinked, HTML);
  }

  private allCompanies(): Promise<CompanyRow[]> {
    return this.options.erp.query<CompanyRow & Record<string, unknown>>(
      "SELECT id, code, name, currency FROM companies ORDER BY id",
    );
  }

  /**
   * The linked user's grants as the kernel holds them now (`kernel.users`), read for
   * every command and every page, so a grant revoked in roa2web takes effect at once.
   * Undefined when the account is gone or disabled, or no longer holds telegram:link
   * (the permission to use the bot at all).
   */
  private async grantsOf(link: Link): Promise<Grants | undefined> {
    const grants = await this.options.services.require("kernel.users").grantsOf(link.userId);
    if (grants === undefined || !hasPermission(grants.permissions, "telegram:link")) {
      return undefined;
    }
    return { permissions: grants.permissions, companies: grants.companies };
  }

  /** A list command: its first page, with ◀ / ▶ buttons when it has more. */
  private async showList(ctx: Context, kind: ListKind): Promise<void> {
    const link = await this.linkOf(ctx);
    if (link === null || ctx.from === undefined) return;
    const ref = { kind, company: undefined, page: 1, owner: ctx.from.id };
    const view = await this.listView(ref, link, (text) => ctx.reply(text, HTML));
    if (view !== undefined) {
      await ctx.reply(view.text, { ...HTML, reply_markup: { inline_keyboard: view.rows } });
    }
  }

  /**
   * A ◀ / ▶ button: the page it names, drawn again with the grants the user holds now
   * and put in place of the message. A button of someone else's list, of a user no
   * longer linked or of a company no longer visible gets a short notice instead.
   */
  private async turnPage(ctx: Context): Promise<void> {
    const query = ctx.callbackQuery;
    const ref = query !== undefined && "data" in query ? decodePage(query.data) : undefined;
    if (ref === undefined || ctx.from === undefined) {
      await ctx.answerCbQuery(NOTICES.staleButton);
      return;
    }
    if (ref.owner !== ctx.from.id) {
      await ctx.answerCbQuery(NOTICES.foreignList);
      return;
    }
    const link = await this.options.store.findByTelegramUser(ctx.from.id);
    if (link === null) {
      await ctx.answerCbQuery(NOTICES.notLinked);
      return;
    }
    let notice = "";
    const view = await this.listView(
      { ...ref, company: ref.kind === "companies" ? undefined : ref.company },
      link,
      async (text) => {
        notice = plainText(text);
      },
    );
    if (view === undefined) {
      await ctx.answerCbQuery(notice);
      return;
    }
    await ctx.answerCbQuery();
    try {
      await ctx.editMessageText(view.text, {
        ...HTML,
        reply_markup: { inline_keyboard: view.rows },
      });
    } catch (error) {
      // The same page pressed twice: Telegram refuses an edit that changes nothing.
      if (!String((error as Error).message).includes("message is not modified")) throw error;
    }
  }

  /**
   * One page of a list for a linked user, or undefined after `refuse` was told why
   * not (no grant, company not visible, reports switched off, …).
   */
  private async listView(
    ref: Omit<PageRef, "company"> & { company: number | undefined },
    link: Link,
    refuse: (html: string) => Promise<unknown>,
  ): Promise<ListView | undefined> {
    const grants = await this.grantsOf(link);
    if (grants === undefined) {
      await refuse(MESSAGES.accountGone);
      return undefined;
    }
    if (ref.kind === "companies") return this.companiesView(ref, link, grants, refuse);
    const scope = await this.reportScope(link, grants, ref.company, refuse);
    if (scope === undefined) return undefined;
    const { reports, params, caller, company } = scope;
    const pageRef = { ...ref, company: company.id };
    const pageSize = this.options.pageSize;
    try {
      if (ref.kind === "invoices") {
        const query = {
          ...params,
          type: "client",
          status: "overdue",
          sort: "outstanding",
          direction: "desc",
          page_size: pageSize,
        } as const;
        let { report } = await reports.invoices({ ...query, page: ref.page }, caller);
        if (report.pages > 0 && ref.page > report.pages) {
          // The list shrank since the buttons were drawn: show its last page.
          report = (await reports.invoices({ ...query, page: report.pages }, caller)).report;
        }
        const page = { ...pageRef, page: clampPage(report.page, report.pages) };
        // The first page also says what falls due this week (issue #6: overdue and
        // due soon); later pages page the overdue list only.
        let dueSoon = "";
        const asOf = report.period.as_of;
        if (page.page === 1 && asOf !== undefined) {
          const soon = await reports.invoices(
            {
              ...params,
              type: "client",
              status: "unpaid",
              due_from: asOf,
              due_to: addDaysIso(asOf, DUE_SOON_DAYS),
              sort: "due_date",
              direction: "asc",
              page_size: 5,
            },
            caller,
          );
          dueSoon = formatDueSoon(soon.report, company);
        }
        return {
          text: formatOverdueInvoices(report, company, dueSoon || undefined),
          rows: rowsOf(pagerRow(page, report.pages)),
        };
      }
      const { report } = await reports.treasury({ ...params, page_size: 1 }, caller);
      const accounts = slicePage(report.accounts, ref.page, pageSize);
      return {
        text: formatTreasury(report, company, accounts),
        rows: rowsOf(pagerRow({ ...pageRef, page: accounts.page }, accounts.pages)),
      };
    } catch (error) {
      if (isRoaError(error) && error.statusCode < 500) {
        const what = ref.kind === "invoices" ? "overdue invoices" : "treasury";
        await refuse(`Could not load the ${what}: ${escapeHtml(error.message)}`);
        return undefined;
      }
      throw error;
    }
  }

  private async companiesView(
    ref: Omit<PageRef, "company">,
    link: Link,
    grants: Grants,
    refuse: (html: string) => Promise<unknown>,
  ): Promise<ListView | undefined> {
    const companies = visibleCompanies(await this.allCompanies(), grants.companies);
    if (companies.length === 0) {
      await refuse(MESSAGES.noCompanies);
      return undefined;
    }
    const page = slicePage(companies, ref.page, this.options.pageSize);
    const buttons = page.items.map((company) => [
      Markup.button.callback(
        `${company.id === link.currentCompanyId ? "✓ " : ""}${company.name}`,
        `company:${company.id}`,
      ),
    ]);
    const pager = pagerRow({ ...ref, company: 0, page: page.page }, page.pages);
    return {
      text:
        page.pages > 1
          ? `${MESSAGES.chooseCompany} (page ${page.page} of ${page.pages})`
          : MESSAGES.chooseCompany,
      rows: [...buttons, ...rowsOf(pager)],
    };
  }

  private async chooseCompany(ctx: Context, companyId: number): Promise<void> {
    const from = ctx.from;
    const link = from === undefined ? null : await this.options.store.findByTelegramUser(from.id);
    if (from === undefined || link === null) {
      await ctx.answerCbQuery(NOTICES.notLinked);
      return;
    }
    const grants = await this.grantsOf(link);
    const company =
      grants === undefined
        ? undefined
        : visibleCompanies(await this.allCompanies(), grants.companies).find(
            (row) => row.id === companyId,
          );
    if (company === undefined) {
      await ctx.answerCbQuery(NOTICES.companyNotVisible);
      return;
    }
    await this.options.store.setCurrentCompany(from.id, companyId);
    await ctx.answerCbQuery(`Current company: ${company.name}`);
    await ctx.editMessageText(`Current company: <b>${escapeHtml(company.name)}</b>`, HTML);
  }

  private async dashboard(ctx: Context): Promise<void> {
    const link = await this.linkOf(ctx);
    if (link === null) return;
    const refuse = (text: string) => ctx.reply(text, HTML);
    const grants = await this.grantsOf(link);
    if (grants === undefined) {
      await refuse(MESSAGES.accountGone);
      return;
    }
    const scope = await this.reportScope(link, grants, undefined, refuse);
    if (scope === undefined) return;
    try {
      const { report } = await scope.reports.dashboard(scope.params, scope.caller);
      await ctx.reply(formatDashboard(report, scope.company), HTML);
    } catch (error) {
      if (isRoaError(error) && error.statusCode < 500) {
        await refuse(`Could not load the dashboard: ${escapeHtml(error.message)}`);
        return;
      }
      throw error;
    }
  }

  /**
   * What a report needs: the reports:read grant, the reports plugin running, and a
   * company the user may see (the one asked for, else the current one, else the
   * first), with the period to show. Undefined after `refuse` was told why not.
   */
  private async reportScope(
    link: Link,
    grants: Grants,
    companyId: number | undefined,
    refuse: (html: string) => Promise<unknown>,
  ): Promise<ReportScope | undefined> {
    if (!hasPermission(grants.permissions, "reports:read")) {
      await refuse(MESSAGES.noReportsPermission);
      return undefined;
    }
    // Looked up on every call: the reports plugin may be disabled or reloaded.
    const reports = this.options.services.get("reports.queries") as ReportsLookup | undefined;
    if (reports === undefined) {
      await refuse(MESSAGES.reportsOff);
      return undefined;
    }
    const companies = visibleCompanies(await this.allCompanies(), grants.companies);
    const company =
      companyId === undefined
        ? (companies.find((row) => row.id === link.currentCompanyId) ?? companies[0])
        : companies.find((row) => row.id === companyId);
    if (company === undefined) {
      await refuse(companyId === undefined ? MESSAGES.noCompanies : MESSAGES.companyNotVisible);
      return undefined;
    }
    const periods = await this.options.erp.query<{ year: number; month: number }>(
      "SELECT year, month FROM periods WHERE company_id = :company",
      { company: company.id },
    );
    return {
      reports,
      params: { company: company.id, period: pickPeriod(periods, new Date()) },
      caller: { companies: grants.companies },
      company,
    };
  }

  /**
   * A photo or image file from a linked user: checks the grant and that data-entry
   * runs, then makes it a DRAFT receipt of the chat's current company (or the user's
   * only one), or asks which one with buttons when neither settles it.
   */
  private async receiveImage(ctx: Context): Promise<void> {
    const link = await this.linkOf(ctx);
    if (link === null || ctx.from === undefined || ctx.chat === undefined) return;
    const reply = (text: string) => ctx.reply(text, HTML);
    const image = imageOf((ctx.message ?? {}) as Parameters<typeof imageOf>[0]);
    if (image === undefined) {
      await reply(MESSAGES.notAnImage);
      return;
    }
    const scope = await this.receiptScope(link, reply);
    if (scope === undefined) return;
    if (image.size !== undefined && image.size > this.options.maxPhotoBytes) {
      await reply(photoTooLarge(this.options.maxPhotoBytes));
      return;
    }
    const companies = visibleCompanies(await this.allCompanies(), scope.grants.companies);
    // The chat's current company (chosen with /companies) when the user still sees it,
    // else the only one; the question only when neither settles it.
    const current = companies.find((company) => company.id === link.currentCompanyId);
    const settled = current ?? (companies.length === 1 ? companies[0] : undefined);
    if (settled !== undefined) {
      await this.createReceipt(link, scope, image, settled, reply);
      return;
    }
    if (companies.length === 0) {
      await reply(MESSAGES.noCompanies);
      return;
    }
    const token = await this.pendingImages.add({
      ...image,
      owner: ctx.from.id,
      chatId: ctx.chat.id,
    });
    const buttons = companies.map((company) => [
      Markup.button.callback(
        `${company.id === link.currentCompanyId ? "✓ " : ""}${company.name}`,
        encodeReceiptCompany(company.id, token),
      ),
    ]);
    await ctx.reply(MESSAGES.whichCompany, { ...HTML, ...Markup.inlineKeyboard(buttons) });
  }

  /** The answer to "which company is this receipt for?". */
  private async chooseReceiptCompany(ctx: Context): Promise<void> {
    const query = ctx.callbackQuery;
    const choice =
      query !== undefined && "data" in query ? decodeReceiptCompany(query.data) : undefined;
    if (choice === undefined || ctx.from === undefined) {
      await ctx.answerCbQuery(NOTICES.staleButton);
      return;
    }
    const pending = await this.pendingImages.peek(choice.token);
    if (pending === undefined) {
      await ctx.answerCbQuery(NOTICES.photoGone);
      return;
    }
    if (pending.owner !== ctx.from.id) {
      await ctx.answerCbQuery(NOTICES.foreignList);
      return;
    }
    const link = await this.options.store.findByTelegramUser(ctx.from.id);
    if (link === null) {
      await ctx.answerCbQuery(NOTICES.notLinked);
      return;
    }
    let notice = "";
    const scope = await this.receiptScope(link, async (text) => {
      notice = plainText(text);
    });
    if (scope === undefined) {
      await ctx.answerCbQuery(notice);
      return;
    }
    const company = visibleCompanies(await this.allCompanies(), scope.grants.companies).find(
      (row) => row.id === choice.companyId,
    );
    if (company === undefined) {
      await ctx.answerCbQuery(NOTICES.companyNotVisible);
      return;
    }
    if ((await this.pendingImages.take(choice.token)) === undefined) {
      // Pressed twice: the first press is already creating the receipt.
      await ctx.answerCbQuery(NOTICES.photoGone);
      return;
    }
    await ctx.answerCbQuery();
    await ctx.editMessageText(`Receipt for <b>${escapeHtml(company.name)}</b>.`, HTML);
    await this.createReceipt(link, scope, pending, company, (text) =>
      this.bot.telegram.sendMessage(pending.chatId, text, HTML),
    );
  }

  /**
   * What a receipt needs: current grants, data-entry:write, and the data-entry plugin
   * running (its service looked up now). Undefined after `refuse` was told why not.
   */
  private async receiptScope(
    link: Link,
    refuse: (html: string) => Promise<unknown>,
  ): Promise<{ grants: Grants; receipts: DataEntryReceipts } | undefined> {
    const grants = await this.grantsOf(link);
    if (grants === undefined) {
      await refuse(MESSAGES.accountGone);
      return undefined;
    }
    if (!hasPermission(grants.permissions, "data-entry:write")) {
      await refuse(MESSAGES.noReceiptPermission);
      return undefined;
    }
    const receipts = this.options.services.get(RECEIPTS_SERVICE) as DataEntryReceipts | undefined;
    if (receipts === undefined) {
      await refuse(MESSAGES.receiptsOff);
      return undefined;
    }
    return { grants, receipts };
  }

  /**
   * Downloads the image, hands it to data-entry as a DRAFT receipt, says so, and
   * sends what OCR read when it is done (without holding up the update).
   */
  private async createReceipt(
    link: Link,
    scope: { grants: Grants; receipts: DataEntryReceipts },
    image: IncomingImage,
    company: CompanyRow,
    reply: (html: string) => Promise<unknown>,
  ): Promise<void> {
    let bytes: Buffer | "too-large";
    try {
      bytes = await this.download(image);
    } catch (error) {
      this.options.logger.warn(
        { err: error, fileId: image.fileId },
        "Telegram file download failed",
      );
      await reply(MESSAGES.downloadFailed);
      return;
    }
    if (bytes === "too-large") {
      await reply(photoTooLarge(this.options.maxPhotoBytes));
      return;
    }
    let created: Awaited<ReturnType<DataEntryReceipts["createDraftFromImage"]>>;
    try {
      created = await scope.receipts.createDraftFromImage({
        userId: link.userId,
        companyId: company.id,
        fileName: image.fileName,
        bytes,
        caller: { companies: scope.grants.companies, permissions: scope.grants.permissions },
      });
    } catch (error) {
      if (isRoaError(error) && error.statusCode < 500) {
        await reply(`Could not create the receipt: ${escapeHtml(error.message)}`);
        return;
      }
      throw error;
    }
    const receiptId = created.receipt.id;
    this.options.logger.info(
      { userId: link.userId, companyId: company.id, receiptId },
      "Draft receipt created from a Telegram photo",
    );
    await reply(draftCreated(receiptId));
    void created.ocr
      .then(
        (fields) =>
          fields === null
            ? receiptUnreadable(receiptId)
            : formatOcr(receiptId, fields, company.currency),
        (error: unknown) => {
          this.options.logger.warn({ err: error, receiptId }, "OCR of a Telegram receipt failed");
          return receiptUnreadable(receiptId);
        },
      )
      .then((text) => reply(text))
      .catch((error: unknown) =>
        this.options.logger.warn({ err: error, receiptId }, "Could not send the OCR result"),
      );
  }

  /**
   * The file's bytes from the Bot API, at most maxPhotoBytes: checked against the
   * size getFile reports and again while reading. The URL holds the token: never log it.
   */
  private async download(image: IncomingImage): Promise<Buffer | "too-large"> {
    const max = this.options.maxPhotoBytes;
    const file = await this.bot.telegram.getFile(image.fileId);
    if (file.file_size !== undefined && file.file_size > max) return "too-large";
    const url = await this.bot.telegram.getFileLink(file);
    if (url.protocol === "file:") {
      // A local Bot API server (--local) answers with a path on this machine.
      const path = fileURLToPath(url);
      if ((await stat(path)).size > max) return "too-large";
      return readFile(path);
    }
    const response = await fetch(url, { signal: AbortSignal.timeout(30_000) });
    if (!response.ok) throw new Error(`Telegram file download answered HTTP ${response.status}`);
    return readLimited(response.body, max);
  }
}

/** The rows of an inline keyboard from one optional row. */
function rowsOf(row: PagerButton[]): PagerButton[][] {
  return row.length === 0 ? [] : [row];
}
