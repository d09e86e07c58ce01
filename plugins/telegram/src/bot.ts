/**
 * The Telegram bot of one plugin instance: telegraf with long polling. `launch()` is
 * never awaited (with polling it resolves only when polling ends); `stop()` waits for
 * launch to get far enough to be stoppable, then for polling to end, so a disabled
 * plugin leaves no poller behind. Every handler error is caught by `bot.catch`.
 */
import {
  type ErpClient,
  hasPermission,
  isRoaError,
  type Logger,
  type ServiceRegistry,
} from "@roa2web/plugin-sdk";
import { type Context, Markup, Telegraf } from "telegraf";
import { AttemptLimiter } from "./attempts.js";
import { looksLikeCode } from "./codes.js";
import type { CompanyGrant, Link } from "./entities.js";
import {
  escapeHtml,
  formatDashboard,
  formatOverdueInvoices,
  formatTreasury,
  linkedMessage,
  MESSAGES,
} from "./format.js";
import type { LinkStore } from "./link-store.js";
import type { ReportsLookup } from "./reports-contract.js";

export interface BotOptions {
  token: string;
  apiRoot: string;
  handlerTimeoutMs: number;
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

export function visibleCompanies(all: CompanyRow[], grant: CompanyGrant): CompanyRow[] {
  return grant === "*" ? all : all.filter((company) => grant.includes(company.id));
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
    this.bot.command("companies", (ctx) => this.companies(ctx));
    this.bot.command("dashboard", (ctx) =>
      this.report(ctx, "dashboard", async (reports, params, caller, company) =>
        formatDashboard((await reports.dashboard(params, caller)).report, company),
      ),
    );
    this.bot.command("invoices", (ctx) =>
      this.report(ctx, "overdue invoices", async (reports, params, caller, company) => {
        const { report } = await reports.invoices(
          {
            ...params,
            type: "client",
            status: "overdue",
            sort: "outstanding",
            direction: "desc",
            page_size: 10,
          },
          caller,
        );
        return formatOverdueInvoices(report, company);
      }),
    );
    this.bot.command("treasury", (ctx) =>
      this.report(ctx, "treasury", async (reports, params, caller, company) =>
        formatTreasury(
          (await reports.treasury({ ...params, page_size: 1 }, caller)).report,
          company,
        ),
      ),
    );
    this.bot.action(/^company:(\d+)$/, (ctx) => this.chooseCompany(ctx, Number(ctx.match[1])));
    this.bot.on("message", (ctx) => ctx.reply(MESSAGES.help, HTML));
  }

  /** Starts polling in the background; retries while the Bot API cannot be reached. */
  start(signal: AbortSignal): void {
    const run = async () => {
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
          this.connected = false;
          this.lastError = error instanceof Error ? error.message : String(error);
          this.options.logger.warn({ err: error }, "Telegram bot could not poll; retrying");
          // A failed launch leaves telegraf's polling object behind; a new launch replaces it.
          await this.pause(delay, signal);
          delay = Math.min(delay * 2, 60_000);
        }
      }
    };
    this.launching = run().finally(() => {
      this.launchSettled = true;
      this.connected = false;
    });
  }

  /** Stops polling and waits (bounded) until the last getUpdates call has ended. */
  async stop(timeoutMs = 8000): Promise<void> {
    this.stopping = true;
    this.stopped.abort();
    const deadline = Date.now() + timeoutMs;
    while (!this.launchSettled && Date.now() < deadline) {
      try {
        this.bot.stop("plugin stopping");
        break;
      } catch {
        // "Bot is not running!": launch has not reached polling yet (getMe or
        // deleteWebhook in flight). Try again shortly; `stopping` ends the retry loop.
        await sleep(25);
      }
    }
    if (this.launching !== undefined) {
      await Promise.race([this.launching, sleep(Math.max(0, deadline - Date.now()))]);
    }
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

  health(): { connected: boolean; last_update_at: string | null; last_error: string | null } {
    return {
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
    const companies = visibleCompanies(await this.allCompanies(), result.link.companies);
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

  private async companies(ctx: Context): Promise<void> {
    const link = await this.linkOf(ctx);
    if (link === null) return;
    const companies = visibleCompanies(await this.allCompanies(), link.companies);
    if (companies.length === 0) {
      await ctx.reply(MESSAGES.noCompanies, HTML);
      return;
    }
    const keyboard = Markup.inlineKeyboard(
      companies.map((company) => [
        Markup.button.callback(
          `${company.id === link.currentCompanyId ? "✓ " : ""}${company.name}`,
          `company:${company.id}`,
        ),
      ]),
    );
    await ctx.reply(MESSAGES.chooseCompany, { ...HTML, ...keyboard });
  }

  private async chooseCompany(ctx: Context, companyId: number): Promise<void> {
    const from = ctx.from;
    const link = from === undefined ? null : await this.options.store.findByTelegramUser(from.id);
    if (from === undefined || link === null) {
      await ctx.answerCbQuery("Not linked: send /link CODE first.");
      return;
    }
    const company = visibleCompanies(await this.allCompanies(), link.companies).find(
      (row) => row.id === companyId,
    );
    if (company === undefined) {
      await ctx.answerCbQuery("You may not see this company.");
      return;
    }
    await this.options.store.setCurrentCompany(from.id, companyId);
    await ctx.answerCbQuery(`Current company: ${company.name}`);
    await ctx.editMessageText(`Current company: <b>${escapeHtml(company.name)}</b>`, HTML);
  }

  /**
   * A report for the linked user's current company: checks the link, the reports:read
   * grant snapshot and that the reports plugin runs, then formats what `build` gets.
   */
  private async report(
    ctx: Context,
    what: string,
    build: (
      reports: ReportsLookup,
      params: { company: number; period: string | undefined },
      caller: { companies: CompanyGrant },
      company: CompanyRow,
    ) => Promise<string>,
  ): Promise<void> {
    const link = await this.linkOf(ctx);
    if (link === null) return;
    if (!hasPermission(link.permissions, "reports:read")) {
      await ctx.reply("Your roa2web account may not read reports (reports:read).", HTML);
      return;
    }
    // Looked up on every call: the reports plugin may be disabled or reloaded.
    const reports = this.options.services.get("reports.queries") as ReportsLookup | undefined;
    if (reports === undefined) {
      await ctx.reply(MESSAGES.reportsOff, HTML);
      return;
    }
    const companies = visibleCompanies(await this.allCompanies(), link.companies);
    const company = companies.find((row) => row.id === link.currentCompanyId) ?? companies[0];
    if (company === undefined) {
      await ctx.reply(MESSAGES.noCompanies, HTML);
      return;
    }
    const periods = await this.options.erp.query<{ year: number; month: number }>(
      "SELECT year, month FROM periods WHERE company_id = :company",
      { company: company.id },
    );
    const params = { company: company.id, period: pickPeriod(periods, new Date()) };
    try {
      await ctx.reply(await build(reports, params, { companies: link.companies }, company), HTML);
    } catch (error) {
      if (isRoaError(error) && error.statusCode < 500) {
        await ctx.reply(`Could not load the ${what}: ${escapeHtml(error.message)}`, HTML);
        return;
      }
      throw error;
    }
  }
}
