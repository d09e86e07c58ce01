/** Bot messages: HTML parse mode, with every piece of data escaped. */

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
): string {
  const money = (value: number) => escapeHtml(formatAmount(value, company.currency));
  const state = report.period.closed ? "closed" : `open, as of ${report.period.as_of}`;
  return [
    `<b>${escapeHtml(company.name)}</b>`,
    `Dashboard ${escapeHtml(report.period.label)} (${escapeHtml(state)})`,
    "",
    `Revenue: <b>${money(report.revenue)}</b>`,
    `Expenses: <b>${money(report.expenses)}</b>`,
    `Result: <b>${money(report.result)}</b>`,
    "",
    `Cash: ${money(report.cash)}`,
    `Bank: ${money(report.bank)}`,
    `Receivables: ${money(report.receivables.total)} (overdue ${money(report.receivables.overdue)})`,
    `Payables: ${money(report.payables.total)} (overdue ${money(report.payables.overdue)})`,
  ].join("\n");
}

export const MESSAGES = {
  help: [
    "<b>roa2web bot</b>",
    "/link CODE – link this chat to your roa2web account (create the code in roa2web → Telegram)",
    "/companies – choose the company you work on",
    "/dashboard – the current month's dashboard of that company",
    "/invoices – its overdue client invoices",
    "/treasury – its cash and bank balances",
    "Send a photo of a receipt – it becomes a draft receipt in roa2web, read by OCR",
    "/notifications (/notificari) – receipt notifications on or off",
    "/unlink – unlink this Telegram account",
    "/help – this list",
  ].join("\n"),
  notLinked:
    "This Telegram account is not linked to roa2web yet. Sign in to roa2web, open Telegram, create a link code and send <code>/link CODE</code> here.",
  linkUsage: "Send <code>/link CODE</code> with the 8-character code from roa2web.",
  tooManyAttempts: "Too many wrong codes. Wait 10 minutes, then create a new code in roa2web.",
  codeUnknown: "This code is not valid. Check it, or create a new one in roa2web.",
  codeExpired:
    "This code has expired (codes are valid for 10 minutes). Create a new one in roa2web.",
  codeUsed: "This code has already been used. Create a new one in roa2web.",
  unlinked: "This Telegram account is no longer linked to roa2web.",
  reportsOff: "The reports module is switched off. Ask an administrator to enable it.",
  noCompanies: "Your roa2web account may not see any company.",
  chooseCompany: "Choose the company:",
  companyNotVisible: "You may not see this company (any more).",
  noReportsPermission: "Your roa2web account may not read reports (reports:read).",
  receiptsOff:
    "Receipts are not available: the data-entry module is switched off. Ask an administrator to enable it.",
  noReceiptPermission: "Your roa2web account may not enter receipts (data-entry:write).",
  notAnImage: "Send the receipt as a photo, or as a JPEG or PNG file.",
  whichCompany: "Which company is this receipt for?",
  downloadFailed: "Could not download the image from Telegram. Send it again.",
  accountGone:
    "Your roa2web account is disabled, no longer exists, or may no longer use the bot (telegram:link). Ask an administrator, or /unlink.",
} as const;

/** Short answers to a pressed button (plain text, at most 200 characters). */
export const NOTICES = {
  staleButton: "This button is no longer valid: send the command again.",
  foreignList: "This list was shown to someone else: send the command yourself.",
  notLinked: "Not linked: send /link CODE first.",
  companyNotVisible: MESSAGES.companyNotVisible,
  photoGone: "This photo is no longer waiting: send it again.",
} as const;

export function photoTooLarge(maxBytes: number): string {
  const megabytes = (maxBytes / (1024 * 1024)).toFixed(1).replace(/\.0$/, "");
  return `This image is too large: the limit is ${megabytes} MB. Send a smaller photo.`;
}

export function draftCreated(receiptId: number): string {
  return `Draft receipt #${receiptId} created, reading it…`;
}

export function receiptUnreadable(receiptId: number): string {
  return `Could not read receipt #${receiptId}; complete it in the web app.`;
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

export function formatOcr(receiptId: number, fields: OcrView, fallbackCurrency: string): string {
  const currency = fields.currency ?? fallbackCurrency;
  const text = (value: string | null) => (value === null ? "—" : escapeHtml(value));
  const money = (value: number | null) =>
    value === null ? "—" : escapeHtml(formatAmount(value, currency));
  const confidence = Math.round(Math.max(0, Math.min(1, fields.confidence)) * 100);
  return [
    `<b>Receipt #${receiptId}</b> read (confidence ${confidence}%):`,
    `Merchant: ${text(fields.merchant)}`,
    `Date: ${text(fields.date)}`,
    `Total: <b>${money(fields.total)}</b>`,
    `VAT: ${money(fields.vat)}`,
    "",
    "Check it and complete it in roa2web.",
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
function pageLine(page: number, pages: number): string[] {
  return pages > 1 ? ["", `Page ${page} of ${pages}`] : [];
}

export function linkedMessage(displayName: string, companyName: string | null): string {
  const company =
    companyName === null ? "" : `\nCurrent company: <b>${escapeHtml(companyName)}</b>.`;
  return `Linked to roa2web as <b>${escapeHtml(displayName)}</b>.${company}\nSend /dashboard or /help.`;
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
  /** A block shown under the list, above the page line (what falls due soon). */
  appendix?: string,
): string {
  const money = (value: number) => escapeHtml(formatAmount(value, company.currency));
  const head = [
    `<b>${escapeHtml(company.name)}</b>`,
    `Overdue client invoices, ${escapeHtml(list.period.label)}: ${list.total}, outstanding <b>${money(list.totals.outstanding)}</b>`,
  ];
  const tail = appendix ? ["", appendix] : [];
  if (list.items.length === 0)
    return [...head, "", "No overdue client invoices.", ...tail].join("\n");
  const first = (list.page - 1) * list.page_size;
  const lines = list.items.map(
    (item, index) =>
      `${first + index + 1}. ${escapeHtml(item.number)} · ${escapeHtml(item.partner_name)} · ${money(item.outstanding)} (${item.days_overdue} days)`,
  );
  return [...head, "", ...lines, ...tail, ...pageLine(list.page, list.pages)].join("\n");
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
  shown = 5,
): string {
  const money = (value: number) => escapeHtml(formatAmount(value, company.currency));
  const head = `<b>Due in the next ${DUE_SOON_DAYS} days</b>: ${list.total}, outstanding <b>${money(list.totals.outstanding)}</b>`;
  if (list.items.length === 0) return `${head}\nNothing falls due this week.`;
  const lines = list.items
    .slice(0, shown)
    .map(
      (item) =>
        `• ${escapeHtml(item.due_date)} · ${escapeHtml(item.number)} · ${escapeHtml(item.partner_name)} · ${money(item.outstanding)}`,
    );
  const listed = Math.min(shown, list.items.length);
  const more = list.total > listed ? [`… and ${list.total - listed} more`] : [];
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
  accounts: { items: TreasuryView["accounts"]; page: number; pages: number } = {
    items: report.accounts,
    page: 1,
    pages: 1,
  },
): string {
  const money = (value: number) => escapeHtml(formatAmount(value, company.currency));
  return [
    `<b>${escapeHtml(company.name)}</b>`,
    `Treasury, ${escapeHtml(report.period.label)} (closing balances)`,
    "",
    ...accounts.items.map(
      (account) =>
        `${escapeHtml(account.code)} ${escapeHtml(account.name)}: ${money(account.closing)}`,
    ),
    "",
    `Cash: <b>${money(report.totals.cash.closing)}</b>`,
    `Bank: <b>${money(report.totals.bank.closing)}</b>`,
    ...pageLine(accounts.page, accounts.pages),
  ].join("\n");
}
