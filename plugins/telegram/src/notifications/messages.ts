/**
 * What the receipt notifications and `/notifications` say, in Romanian and English
 * (HTML parse mode, every piece of data escaped). The language is the chat's, from
 * the language Telegram reports for the user.
 */
import type { ReceiptEvent, ReceiptPerson } from "@roa2web/data-entry-contract";
import { escapeHtml, formatAmount } from "../format.js";

export type Language = "ro" | "en";

/** Romanian for a Telegram client set to Romanian; English for any other (or unknown). */
export function languageOf(languageCode: string | null | undefined): Language {
  return languageCode?.toLowerCase().startsWith("ro") ? "ro" : "en";
}

/** Which notifications a chat gets. */
export type NotificationKind = "approvals" | "outcomes";

const TEXTS = {
  ro: {
    waiting: (id: number) => `🧾 <b>Bonul nr. ${id} așteaptă aprobarea dvs.</b>`,
    approved: (id: number, by: string) => `✅ <b>Bonul nr. ${id} a fost aprobat</b> de ${by}.`,
    rejected: (id: number, by: string) => `❌ <b>Bonul nr. ${id} a fost respins</b> de ${by}.`,
    submittedBy: "Trimis de",
    partner: "Furnizor",
    document: (number: string, date: string) =>
      number && date ? `Document nr. ${number} din ${date}` : `Document ${number || date}`,
    total: "Total",
    vat: "TVA",
    inLei: "în lei",
    reason: "Motiv",
    open: "Deschide în roa2web",
    settingsTitle: "<b>Notificări</b> pentru bonuri:",
    approvals: "Bonuri care așteaptă aprobarea mea",
    outcomes: "Răspunsul la bonurile trimise de mine",
    on: "pornite",
    off: "oprite",
    turnOn: "Pornește",
    turnOff: "Oprește",
    settingsHint: "Apăsați un buton ca să porniți sau să opriți.",
    saved: "Salvat.",
  },
  en: {
    waiting: (id: number) => `🧾 <b>Receipt #${id} is waiting for your approval</b>`,
    approved: (id: number, by: string) => `✅ <b>Receipt #${id} was approved</b> by ${by}.`,
    rejected: (id: number, by: string) => `❌ <b>Receipt #${id} was rejected</b> by ${by}.`,
    submittedBy: "Submitted by",
    partner: "Supplier",
    document: (number: string, date: string) =>
      number && date ? `Document no. ${number} of ${date}` : `Document ${number || date}`,
    total: "Total",
    vat: "VAT",
    inLei: "in lei",
    reason: "Reason",
    open: "Open in roa2web",
    settingsTitle: "<b>Notifications</b> about receipts:",
    approvals: "Receipts waiting for my approval",
    outcomes: "The answer to receipts I submitted",
    on: "on",
    off: "off",
    turnOn: "Turn on",
    turnOff: "Turn off",
    settingsHint: "Press a button to turn them on or off.",
    saved: "Saved.",
  },
} as const;

/** The lines every receipt notification shows under its title. */
function receiptLines(event: ReceiptEvent, language: Language): string[] {
  const text = TEXTS[language];
  const money = (value: number, currency: string) => escapeHtml(formatAmount(value, currency));
  const { total, vat, currency, totalLei } = event.amounts;
  const lines: string[] = [];
  if (event.companyName !== null) lines.push(`<b>${escapeHtml(event.companyName)}</b>`);
  if (event.partner !== null) lines.push(`${text.partner}: ${escapeHtml(event.partner)}`);
  if (event.documentNumber !== null || event.documentDate !== null) {
    lines.push(escapeHtml(text.document(event.documentNumber ?? "", event.documentDate ?? "")));
  }
  const vatPart = vat === null ? "" : ` (${text.vat} ${money(vat, currency)})`;
  const leiPart =
    currency !== "RON" && totalLei !== null ? `, ${text.inLei} ${money(totalLei, "RON")}` : "";
  lines.push(`${text.total}: <b>${money(total, currency)}</b>${vatPart}${leiPart}`);
  return lines;
}

const nameOf = (person: ReceiptPerson) => escapeHtml(person.name);

/** To an approver: a receipt of their company waits. */
export function receiptWaiting(event: ReceiptEvent, language: Language): string {
  const text = TEXTS[language];
  return [
    text.waiting(event.receiptId),
    ...receiptLines(event, language),
    `${text.submittedBy}: ${nameOf(event.submittedBy)}`,
  ].join("\n");
}

/** To the submitter: their receipt was approved. */
export function receiptApprovedText(
  event: ReceiptEvent & { decidedBy: ReceiptPerson },
  language: Language,
): string {
  return [
    TEXTS[language].approved(event.receiptId, nameOf(event.decidedBy)),
    ...receiptLines(event, language),
  ].join("\n");
}

/** To the submitter: their receipt was rejected, and why. */
export function receiptRejectedText(
  event: ReceiptEvent & { decidedBy: ReceiptPerson; reason: string },
  language: Language,
): string {
  const text = TEXTS[language];
  return [
    text.rejected(event.receiptId, nameOf(event.decidedBy)),
    ...receiptLines(event, language),
    `${text.reason}: ${escapeHtml(event.reason)}`,
  ].join("\n");
}

/** The label of the button that opens the receipt in the web shell. */
export function openButtonLabel(language: Language): string {
  return TEXTS[language].open;
}

export interface NotificationChoices {
  approvals: boolean;
  outcomes: boolean;
}

/** `/notifications`: what is on, with one button per kind that flips it. */
export function notificationSettings(
  choices: NotificationChoices,
  language: Language,
): { text: string; buttons: Array<{ text: string; data: string }> } {
  const text = TEXTS[language];
  const state = (on: boolean) => (on ? `✅ ${text.on}` : `🔕 ${text.off}`);
  const kinds: NotificationKind[] = ["approvals", "outcomes"];
  return {
    text: [
      text.settingsTitle,
      ...kinds.map((kind) => `• ${text[kind]}: <b>${state(choices[kind])}</b>`),
      "",
      text.settingsHint,
    ].join("\n"),
    buttons: kinds.map((kind) => ({
      text: `${choices[kind] ? text.turnOff : text.turnOn}: ${text[kind]}`,
      data: encodeNotificationChoice(kind, !choices[kind]),
    })),
  };
}

export function savedNotice(language: Language): string {
  return TEXTS[language].saved;
}

/**
 * Callback data of "set this kind on/off": `nt:<a|o>:<1|0>`. It carries the state
 * wanted, not "flip", so a button pressed twice leaves the same state.
 */
export function encodeNotificationChoice(kind: NotificationKind, on: boolean): string {
  return `nt:${kind === "approvals" ? "a" : "o"}:${on ? 1 : 0}`;
}

export function decodeNotificationChoice(
  data: string,
): { kind: NotificationKind; on: boolean } | undefined {
  const match = /^nt:([ao]):([01])$/.exec(data);
  if (match === null) return undefined;
  return { kind: match[1] === "a" ? "approvals" : "outcomes", on: match[2] === "1" };
}
