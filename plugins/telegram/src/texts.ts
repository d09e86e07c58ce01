/**
 * What the bot says, in Romanian and English: every reply, button notice and report
 * line a person reads (the receipt notifications and `/notifications` have theirs in
 * notifications/messages.ts). The language is the sender's Telegram language
 * (`languageOf`); HTML parse mode, so data put into a text is escaped by the caller.
 */
import type { Language } from "./notifications/messages.js";

/** `1048576` bytes → "1" MB, `1572864` → "1.5" (en) / "1,5" (ro). */
function megabytes(bytes: number, decimalSeparator: string): string {
  return (bytes / (1024 * 1024)).toFixed(1).replace(/\.0$/, "").replace(".", decimalSeparator);
}

export type ReportName = "dashboard" | "invoices" | "treasury";

const ro = {
  help: [
    "<b>Botul roa2web</b>",
    "/link COD – leagă acest chat de contul dvs. roa2web (creați codul în roa2web → Telegram)",
    "/companies – alegeți firma la care lucrați",
    "/dashboard – tabloul de bord al lunii curente pentru acea firmă",
    "/invoices – facturile ei restante de la clienți",
    "/treasury – soldurile ei de casă și de bancă",
    "Trimiteți fotografia unui bon – devine un bon ciornă în roa2web, citit prin OCR",
    "/notificari (/notifications) – notificările despre bonuri, pornite sau oprite",
    "/unlink – dezleagă acest cont Telegram",
    "/help – această listă",
  ].join("\n"),
  notLinked:
    "Acest cont Telegram nu este încă legat de roa2web. Intrați în roa2web, deschideți Telegram, creați un cod de legare și trimiteți aici <code>/link COD</code>.",
  tooManyAttempts:
    "Prea multe coduri greșite. Așteptați 10 minute, apoi creați un cod nou în roa2web.",
  codeUnknown: "Acest cod nu este valid. Verificați-l sau creați unul nou în roa2web.",
  codeExpired:
    "Acest cod a expirat (codurile sunt valabile 10 minute). Creați unul nou în roa2web.",
  codeUsed: "Acest cod a fost deja folosit. Creați unul nou în roa2web.",
  unlinked: "Acest cont Telegram nu mai este legat de roa2web.",
  reportsOff: "Modulul de rapoarte este oprit. Cereți unui administrator să îl pornească.",
  noCompanies: "Contul dvs. roa2web nu are acces la nicio firmă.",
  chooseCompany: "Alegeți firma:",
  companyNotVisible: "Nu (mai) aveți acces la această firmă.",
  noReportsPermission: "Contul dvs. roa2web nu poate citi rapoarte (reports:read).",
  receiptsOff:
    "Bonurile nu sunt disponibile: modulul de introducere a datelor este oprit. Cereți unui administrator să îl pornească.",
  noReceiptPermission: "Contul dvs. roa2web nu poate introduce bonuri (data-entry:write).",
  notAnImage: "Trimiteți bonul ca fotografie sau ca fișier JPEG ori PNG.",
  whichCompany: "Pentru ce firmă este acest bon?",
  downloadFailed: "Nu am putut descărca imaginea de la Telegram. Trimiteți-o din nou.",
  accountGone:
    "Contul dvs. roa2web este dezactivat, nu mai există sau nu mai poate folosi botul (telegram:link). Întrebați un administrator sau trimiteți /unlink.",
  notices: {
    staleButton: "Acest buton nu mai este valabil: trimiteți din nou comanda.",
    foreignList: "Lista a fost afișată altcuiva: trimiteți chiar dvs. comanda.",
    notLinked: "Contul nu este legat: trimiteți întâi /link COD.",
    companyNotVisible: "Nu (mai) aveți acces la această firmă.",
    photoGone: "Această fotografie nu mai așteaptă: trimiteți-o din nou.",
  },
  photoTooLarge: (maxBytes: number) =>
    `Imaginea este prea mare: limita este de ${megabytes(maxBytes, ",")} MB. Trimiteți o fotografie mai mică.`,
  draftCreated: (id: number) => `Bonul ciornă nr. ${id} a fost creat, îl citesc…`,
  receiptUnreadable: (id: number) =>
    `Nu am putut citi bonul nr. ${id}; completați-l în aplicația web.`,
  couldNotCreateReceipt: (reason: string) => `Nu am putut crea bonul: ${reason}`,
  receiptFor: (company: string) => `Bon pentru <b>${company}</b>.`,
  linked: (name: string) => `Legat de roa2web ca <b>${name}</b>.`,
  currentCompany: "Firma curentă",
  linkedNext: "Trimiteți /dashboard sau /help.",
  chooseCompanyPage: (page: number, pages: number) =>
    `Alegeți firma: (pagina ${page} din ${pages})`,
  couldNotLoad: (report: ReportName, reason: string) =>
    `Nu am putut încărca ${{ dashboard: "tabloul de bord", invoices: "facturile restante", treasury: "trezoreria" }[report]}: ${reason}`,
  page: (page: number, pages: number) => `Pagina ${page} din ${pages}`,
  dashboard: {
    title: (label: string, state: string) => `Tablou de bord ${label} (${state})`,
    closed: "închisă",
    openAsOf: (date: string) => `deschisă, la ${date}`,
    revenue: "Venituri",
    expenses: "Cheltuieli",
    result: "Rezultat",
    cash: "Casă",
    bank: "Bancă",
    receivables: "Creanțe",
    payables: "Datorii",
    overdue: "restante",
  },
  invoices: {
    title: (label: string, count: number, outstanding: string) =>
      `Facturi restante de la clienți, ${label}: ${count}, de încasat <b>${outstanding}</b>`,
    none: "Nicio factură restantă de la clienți.",
    days: (days: number) => (days === 1 ? "1 zi" : `${days} zile`),
    dueSoon: (days: number, count: number, outstanding: string) =>
      `<b>Scadente în următoarele ${days} zile</b>: ${count}, de încasat <b>${outstanding}</b>`,
    nothingDue: "Nimic nu ajunge la scadență săptămâna aceasta.",
    more: (count: number) => `… și încă ${count}`,
  },
  treasury: {
    title: (label: string) => `Trezorerie, ${label} (solduri finale)`,
    cash: "Casă",
    bank: "Bancă",
  },
  ocr: {
    title: (id: number, confidence: number) =>
      `<b>Bonul nr. ${id}</b> citit (încredere ${confidence}%):`,
    merchant: "Comerciant",
    date: "Data",
    total: "Total",
    vat: "TVA",
    check: "Verificați-l și completați-l în roa2web.",
  },
};

export type BotTexts = typeof ro;

const en: BotTexts = {
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
  notices: {
    staleButton: "This button is no longer valid: send the command again.",
    foreignList: "This list was shown to someone else: send the command yourself.",
    notLinked: "Not linked: send /link CODE first.",
    companyNotVisible: "You may not see this company (any more).",
    photoGone: "This photo is no longer waiting: send it again.",
  },
  photoTooLarge: (maxBytes) =>
    `This image is too large: the limit is ${megabytes(maxBytes, ".")} MB. Send a smaller photo.`,
  draftCreated: (id) => `Draft receipt #${id} created, reading it…`,
  receiptUnreadable: (id) => `Could not read receipt #${id}; complete it in the web app.`,
  couldNotCreateReceipt: (reason) => `Could not create the receipt: ${reason}`,
  receiptFor: (company) => `Receipt for <b>${company}</b>.`,
  linked: (name) => `Linked to roa2web as <b>${name}</b>.`,
  currentCompany: "Current company",
  linkedNext: "Send /dashboard or /help.",
  chooseCompanyPage: (page, pages) => `Choose the company: (page ${page} of ${pages})`,
  couldNotLoad: (report, reason) =>
    `Could not load the ${{ dashboard: "dashboard", invoices: "overdue invoices", treasury: "treasury" }[report]}: ${reason}`,
  page: (page, pages) => `Page ${page} of ${pages}`,
  dashboard: {
    title: (label, state) => `Dashboard ${label} (${state})`,
    closed: "closed",
    openAsOf: (date) => `open, as of ${date}`,
    revenue: "Revenue",
    expenses: "Expenses",
    result: "Result",
    cash: "Cash",
    bank: "Bank",
    receivables: "Receivables",
    payables: "Payables",
    overdue: "overdue",
  },
  invoices: {
    title: (label, count, outstanding) =>
      `Overdue client invoices, ${label}: ${count}, outstanding <b>${outstanding}</b>`,
    none: "No overdue client invoices.",
    days: (days) => `${days} days`,
    dueSoon: (days, count, outstanding) =>
      `<b>Due in the next ${days} days</b>: ${count}, outstanding <b>${outstanding}</b>`,
    nothingDue: "Nothing falls due this week.",
    more: (count) => `… and ${count} more`,
  },
  treasury: {
    title: (label) => `Treasury, ${label} (closing balances)`,
    cash: "Cash",
    bank: "Bank",
  },
  ocr: {
    title: (id, confidence) => `<b>Receipt #${id}</b> read (confidence ${confidence}%):`,
    merchant: "Merchant",
    date: "Date",
    total: "Total",
    vat: "VAT",
    check: "Check it and complete it in roa2web.",
  },
};

const TEXTS: Record<Language, BotTexts> = { ro, en };

/** The bot's texts in a language. */
export function botTexts(language: Language): BotTexts {
  return TEXTS[language];
}
