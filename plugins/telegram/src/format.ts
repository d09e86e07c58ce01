/**
 * The bot's report and receipt messages, in the reader's language (texts.ts): HTML
 * parse mode, with every piece of data escaped.
 */
import type { Language } from "./notifications/messages.js";
import { botTexts } from "./texts.js";

/** Escapes text for Telegram's HTML parse mode (the three characters it requires). */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/**
 * An amount with two decimals, "." between thousands and "," before the decimals (the
 * Romanian convention), then the currency: 1234567.891 → "1.234.567,89 RON".
 * Written by hand so the output does not depend on the ICU data Node was built with.
 */
export function formatAmount(value: number, currency: string): string {
  const cents = Math.round(Math.abs(value) * 100);
  const whole = Math.floor(cents / 100).toString();
  const fraction = (cents % 100).toString().padStart(2, "0");
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ".");
  const sign = value < 0 && cents !== 0 ? "-" : "";
  return `${sign}${grouped},${fraction} ${currency}`;
}

/** The slice of the reports plugin's DashboardReport this bot shows. */
export interface DashboardView {
  period: { label: string; as_of: string; closed: boolean };
  revenue: number;
  expenses: number;
  result: number;
  cash: number;
  bank: number;
  receivables: { total: number; overdue: number };
  payables: { total: number; overdue: number };
}

export function formatDashboard(
  report: DashboardView,
  company: { name: string; currency: string },
  language: Language,
): string {
  const text = botTexts(language).dashboard;
  const money = (value: number) => escapeHtml(formatAmount(value, company.currency));
  const state = report.period.closed ? text.closed : text.openAsOf(report.period.as_of);
  const open = (label: string, amounts: { total: number; overdue: number }) =>
    `${label}: ${money(amounts.total)} (${text.overdue} ${money(amounts.overdue)})`;
  return [
    `<b>${escapeHtml(company.name)}</b>`,
    escapeHtml(text.title(report.period.label, state)),
    "",
    `${text.revenue}: <b>${money(report.revenue)}</b>`,
    `${text.expenses}: <b>${money(report.expenses)}</b>`,
    `${text.result}: <b>${money(report.result)}</b>`,
    "",
    `${text.cash}: ${money(report.cash)}`,
    `${text.bank}: ${money(report.bank)}`,
    open(text.receivables, report.receivables),
    open(text.payables, report.payables),
  ].join("\n");
}

/** What OCR read from a receipt. */
export interface OcrView {
  merchant: string | null;
  date: string | null;
  total: number | null;
  vat: number | null;
  currency: string | null;
  confidence: number;
}

export function formatOcr(
  receiptId: number,
  fields: OcrView,
  fallbackCurrency: string,
  language: Language,
): string {
  const labels = botTexts(language).ocr;
  const currency = fields.currency ?? fallbackCurrency;
  const text = (value: string | null) => (value === null ? "—" : escapeHtml(value));
  const money = (value: number | null) =>
    value === null ? "—" : escapeHtml(formatAmount(value, currency));
  const confidence = Math.round(Math.max(0, Math.min(1, fields.confidence)) * 100);
  return [
    labels.title(receiptId, confidence),
    `${labels.merchant}: ${text(fields.merchant)}`,
    `${labels.date}: ${text(fields.date)}`,
    `${labels.total}: <b>${money(fields.total)}</b>`,
    `${labels.vat}: ${money(fields.vat)}`,
    "",
    labels.check,
  ].join("\n");
}

/** An HTML message as plain text (for button notices, which have no parse mode). */
export function plainText(html: string): string {
  return html
    .replace(/<[^>]*>/g, "")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&")
    .slice(0, 200);
}

/** "Page 2 of 5" under a list that has more than one page; nothing otherwise. */
function pageLine(page: number, pages: number, language: Language): string[] {
  return pages > 1 ? ["", botTexts(language).page(page, pages)] : [];
}

export function linkedMessage(
  displayName: string,
  companyName: string | null,
  language: Language,
): string {
  const text = botTexts(language);
  const company =
    companyName === null ? "" : `\n${text.currentCompany}: <b>${escapeHtml(companyName)}</b>.`;
  return `${text.linked(escapeHtml(displayName))}${company}\n${text.linkedNext}`;
}

/** The slice of the reports plugin's InvoiceList this bot shows. */
export interface InvoiceListView {
  period: { label: string; as_of?: string };
  total: number;
  page: number;
  page_size: number;
  pages: number;
  items: Array<{
    number: string;
    partner_name: string;
    due_date: string;
    outstanding: number;
    days_overdue: number;
  }>;
  totals: { outstanding: number };
}

export function formatOverdueInvoices(
  list: InvoiceListView,
  company: { name: string; currency: string },
  language: Language,
  /** A block shown under the list, above the page line (what falls due soon). */
  appendix?: string,
): string {
  const text = botTexts(language).invoices;
  const money = (value: number) => escapeHtml(formatAmount(value, company.currency));
  const head = [
    `<b>${escapeHtml(company.name)}</b>`,
    text.title(escapeHtml(list.period.label), list.total, money(list.totals.outstanding)),
  ];
  const tail = appendix ? ["", appendix] : [];
  if (list.items.length === 0) return [...head, "", text.none, ...tail].join("\n");
  const first = (list.page - 1) * list.page_size;
  const lines = list.items.map(
    (item, index) =>
      `${first + index + 1}. ${escapeHtml(item.number)} · ${escapeHtml(item.partner_name)} · ${money(item.outstanding)} (${text.days(item.days_overdue)})`,
  );
  return [...head, "", ...lines, ...tail, ...pageLine(list.page, list.pages, language)].join("\n");
}

/** How far ahead /invoices looks for client invoices falling due. */
export const DUE_SOON_DAYS = 7;

/**
 * "Due in the next 7 days": unpaid client invoices whose due date is from the as-of
 * date to a week later, soonest first (the first few; the count and sum cover all).
 */
export function formatDueSoon(
  list: InvoiceListView,
  company: { currency: string },
  language: Language,
  shown = 5,
): string {
  const text = botTexts(language).invoices;
  const money = (value: number) => escapeHtml(formatAmount(value, company.currency));
  const head = text.dueSoon(DUE_SOON_DAYS, list.total, money(list.totals.outstanding));
  if (list.items.length === 0) return `${head}\n${text.nothingDue}`;
  const lines = list.items
    .slice(0, shown)
    .map(
      (item) =>
        `• ${escapeHtml(item.due_date)} · ${escapeHtml(item.number)} · ${escapeHtml(item.partner_name)} · ${money(item.outstanding)}`,
    );
  const listed = Math.min(shown, list.items.length);
  const more = list.total > listed ? [text.more(list.total - listed)] : [];
  return [head, ...lines, ...more].join("\n");
}

/** The slice of the reports plugin's TreasuryReport this bot shows. */
export interface TreasuryView {
  period: { label: string };
  accounts: Array<{ code: string; name: string; kind: "cash" | "bank"; closing: number }>;
  totals: { cash: { closing: number }; bank: { closing: number } };
}

/**
 * The treasury: one page of its accounts (all of them when `accounts` is not given)
 * and the cash and bank totals over every account.
 */
export function formatTreasury(
  report: TreasuryView,
  company: { name: string; currency: string },
  language: Language,
  accounts: { items: TreasuryView["accounts"]; page: number; pages: number } = {
    items: report.accounts,
    page: 1,
    pages: 1,
  },
): string {
  const text = botTexts(language).treasury;
  const money = (value: number) => escapeHtml(formatAmount(value, company.currency));
  return [
    `<b>${escapeHtml(company.name)}</b>`,
    escapeHtml(text.title(report.period.label)),
    "",
    ...accounts.items.map(
      (account) =>
        `${escapeHtml(account.code)} ${escapeHtml(account.name)}: ${money(account.closing)}`,
    ),
    "",
    `${text.cash}: <b>${money(report.totals.cash.closing)}</b>`,
    `${text.bank}: <b>${money(report.totals.bank.closing)}</b>`,
    ...pageLine(accounts.page, accounts.pages, language),
  ].join("\n");
}
