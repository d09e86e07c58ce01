/**
 * The report commands: `/companies` (choose the current company), `/dashboard`,
 * `/invoices` and `/treasury` through the reports plugin's service, and the ◀ / ▶
 * buttons of a long list, each drawn again with the grants the user holds now.
 */
import { type ErpClient, hasPermission, isRoaError } from "@roa2web/plugin-sdk";
import type { ReportQueries } from "@roa2web/reports-contract";
import { type Context, Markup } from "telegraf";
import type { Link } from "../entities.js";
import {
  DUE_SOON_DAYS,
  escapeHtml,
  formatDashboard,
  formatDueSoon,
  formatOverdueInvoices,
  formatTreasury,
} from "../format.js";
import type { Language } from "../notifications/messages.js";
import {
  clampPage,
  decodePage,
  type ListKind,
  type PageRef,
  type PagerButton,
  pagerRow,
  slicePage,
} from "../paging.js";
import { botTexts, type ReportName } from "../texts.js";
import { type Accounts, type CompanyRow, type Grants, HTML, languageOfUpdate } from "./accounts.js";
import { orNotice, pressedButton, type Refuse } from "./buttons.js";
import type { BotServices } from "./services.js";

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

/** `2026-11-23` + 7 days → `2026-11-30` (UTC calendar arithmetic). */
function addDaysIso(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

/** The rows of an inline keyboard from one optional row. */
function rowsOf(row: PagerButton[]): PagerButton[][] {
  return row.length === 0 ? [] : [row];
}

interface ListView {
  text: string;
  rows: Array<Array<{ text: string; callback_data: string }>>;
}

interface ReportScope {
  /** The reports service acting for the linked user (it checks their grants again). */
  reports: ReportQueries;
  params: { company: number; period: string | undefined };
  company: CompanyRow;
}

export class ReportCommands {
  constructor(
    private readonly accounts: Accounts,
    private readonly services: BotServices,
    private readonly erp: ErpClient,
    /** Rows per page of a list (invoices, treasury accounts, companies). */
    private readonly pageSize: number,
  ) {}

  /** A list command: its first page, with ◀ / ▶ buttons when it has more. */
  async showList(ctx: Context, kind: ListKind): Promise<void> {
    const link = await this.accounts.linkOf(ctx);
    if (link === null || ctx.from === undefined) return;
    const ref = { kind, company: undefined, page: 1, owner: ctx.from.id };
    const language = languageOfUpdate(ctx, link);
    const view = await this.listView(ref, link, language, (text) => ctx.reply(text, HTML));
    if (view !== undefined) {
      await ctx.reply(view.text, { ...HTML, reply_markup: { inline_keyboard: view.rows } });
    }
  }

  /**
   * A ◀ / ▶ button: the page it names, drawn again with the grants the user holds now
   * and put in place of the message. A button of someone else's list, of a user no
   * longer linked or of a company no longer visible gets a short notice instead.
   */
  async turnPage(ctx: Context): Promise<void> {
    const pressed = await pressedButton(ctx, this.accounts.store, {
      decode: decodePage,
      find: (ref) => ref,
      gone: "staleButton",
    });
    if (pressed === undefined) return;
    const { data: ref, link } = pressed;
    const view = await orNotice(ctx, (refuse) =>
      this.listView(
        { ...ref, company: ref.kind === "companies" ? undefined : ref.company },
        link,
        languageOfUpdate(ctx, link),
        refuse,
      ),
    );
    if (view === undefined) return;
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
    language: Language,
    refuse: Refuse,
  ): Promise<ListView | undefined> {
    const texts = botTexts(language);
    const grants = await this.accounts.grantsOf(link);
    if (grants === undefined) {
      await refuse(texts.accountGone);
      return undefined;
    }
    if (ref.kind === "companies") return this.companiesView(ref, link, grants, language, refuse);
    const scope = await this.reportScope(link, grants, ref.company, language, refuse);
    if (scope === undefined) return undefined;
    const { reports, params, company } = scope;
    const pageRef = { ...ref, company: company.id };
    const pageSize = this.pageSize;
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
        let { report } = await reports.invoices({ ...query, page: ref.page });
        if (report.pages > 0 && ref.page > report.pages) {
          // The list shrank since the buttons were drawn: show its last page.
          report = (await reports.invoices({ ...query, page: report.pages })).report;
        }
        const page = { ...pageRef, page: clampPage(report.page, report.pages) };
        // The first page also says what falls due this week (issue #6: overdue and
        // due soon); later pages page the overdue list only.
        let dueSoon = "";
        const asOf = report.period.as_of;
        if (page.page === 1 && asOf !== undefined) {
          const soon = await reports.invoices({
            ...params,
            type: "client",
            status: "unpaid",
            due_from: asOf,
            due_to: addDaysIso(asOf, DUE_SOON_DAYS),
            sort: "due_date",
            direction: "asc",
            page_size: 5,
          });
          dueSoon = formatDueSoon(soon.report, company, language);
        }
        return {
          text: formatOverdueInvoices(report, company, language, dueSoon || undefined),
          rows: rowsOf(pagerRow(page, report.pages)),
        };
      }
      const { report } = await reports.treasury({ ...params, page_size: 1 });
      const accounts = slicePage(report.accounts, ref.page, pageSize);
      return {
        text: formatTreasury(report, company, language, accounts),
        rows: rowsOf(pagerRow({ ...pageRef, page: accounts.page }, accounts.pages)),
      };
    } catch (error) {
      if (isRoaError(error) && error.statusCode < 500) {
        const report: ReportName = ref.kind === "invoices" ? "invoices" : "treasury";
        await refuse(texts.couldNotLoad(report, escapeHtml(error.message)));
        return undefined;
      }
      throw error;
    }
  }

  private async companiesView(
    ref: Omit<PageRef, "company">,
    link: Link,
    grants: Grants,
    language: Language,
    refuse: Refuse,
  ): Promise<ListView | undefined> {
    const texts = botTexts(language);
    const companies = await this.accounts.companiesOf(grants);
    if (companies.length === 0) {
      await refuse(texts.noCompanies);
      return undefined;
    }
    const page = slicePage(companies, ref.page, this.pageSize);
    const buttons = page.items.map((company) => [
      Markup.button.callback(
        `${company.id === link.currentCompanyId ? "✓ " : ""}${company.name}`,
        `company:${company.id}`,
      ),
    ]);
    const pager = pagerRow({ ...ref, company: 0, page: page.page }, page.pages);
    return {
      text: page.pages > 1 ? texts.chooseCompanyPage(page.page, page.pages) : texts.chooseCompany,
      rows: [...buttons, ...rowsOf(pager)],
    };
  }

  async chooseCompany(ctx: Context, companyId: number): Promise<void> {
    const from = ctx.from;
    const store = this.accounts.store;
    const link = from === undefined ? null : await store.findByTelegramUser(from.id);
    const texts = botTexts(languageOfUpdate(ctx, link));
    if (from === undefined || link === null) {
      await ctx.answerCbQuery(texts.notices.notLinked);
      return;
    }
    const grants = await this.accounts.grantsOf(link);
    const company =
      grants === undefined
        ? undefined
        : (await this.accounts.companiesOf(grants)).find((row) => row.id === companyId);
    if (company === undefined) {
      await ctx.answerCbQuery(texts.notices.companyNotVisible);
      return;
    }
    await store.setCurrentCompany(from.id, companyId);
    await ctx.answerCbQuery(`${texts.currentCompany}: ${company.name}`);
    await ctx.editMessageText(`${texts.currentCompany}: <b>${escapeHtml(company.name)}</b>`, HTML);
  }

  async dashboard(ctx: Context): Promise<void> {
    const link = await this.accounts.linkOf(ctx);
    if (link === null) return;
    const language = languageOfUpdate(ctx, link);
    const texts = botTexts(language);
    const refuse = (text: string) => ctx.reply(text, HTML);
    const grants = await this.accounts.grantsOf(link);
    if (grants === undefined) {
      await refuse(texts.accountGone);
      return;
    }
    const scope = await this.reportScope(link, grants, undefined, language, refuse);
    if (scope === undefined) return;
    try {
      const { report } = await scope.reports.dashboard(scope.params);
      await ctx.reply(formatDashboard(report, scope.company, language), HTML);
    } catch (error) {
      if (isRoaError(error) && error.statusCode < 500) {
        await refuse(texts.couldNotLoad("dashboard", escapeHtml(error.message)));
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
    language: Language,
    refuse: Refuse,
  ): Promise<ReportScope | undefined> {
    const texts = botTexts(language);
    if (!hasPermission(grants.permissions, "reports:read")) {
      await refuse(texts.noReportsPermission);
      return undefined;
    }
    // Looked up on every call: the reports plugin may be disabled or reloaded.
    if (!this.services.reports.available()) {
      await refuse(texts.reportsOff);
      return undefined;
    }
    const companies = await this.accounts.companiesOf(grants);
    const company =
      companyId === undefined
        ? (companies.find((row) => row.id === link.currentCompanyId) ?? companies[0])
        : companies.find((row) => row.id === companyId);
    if (company === undefined) {
      await refuse(companyId === undefined ? texts.noCompanies : texts.companyNotVisible);
      return undefined;
    }
    const periods = await this.erp.query<{ year: number; month: number }>(
      "SELECT year, month FROM periods WHERE company_id = :company",
      { company: company.id },
    );
    return {
      reports: this.services.reports.for(grants.user),
      params: { company: company.id, period: pickPeriod(periods, new Date()) },
      company,
    };
  }
}
