/**
 * Who is told what about a receipt. Submitted: every linked approver of the receipt's
 * company — a linked user whose *current* grants (read from the kernel now) hold
 * `telegram:link`, `data-entry:approve` and the company — except the submitter, who
 * may not judge their own receipt. Approved or rejected: the submitter, if linked and
 * still allowed to see the company. Each chat only for the kinds it has not turned
 * off, in its language, with a button that opens the receipt in the web shell when
 * the shell's public address is known.
 */
import {
  APPROVE_PERMISSION,
  type ReceiptApproved,
  type ReceiptEvent,
  type ReceiptRejected,
  type ReceiptSubmitted,
} from "@roa2web/data-entry-contract";
import { canSeeCompany, hasPermission, type Logger } from "@roa2web/plugin-sdk";
import type { Accounts, Grants } from "../bot/accounts.js";
import type { Link } from "../entities.js";
import type { Deliver } from "./deliver.js";
import {
  type Language,
  languageOf,
  type NotificationKind,
  openButtonLabel,
  receiptApprovedText,
  receiptRejectedText,
  receiptWaiting,
} from "./messages.js";

/** Where the web shell shows a receipt: `<web url>/data-entry/receipts/<id>`. */
export function receiptUrl(webUrl: string, receiptId: number): string {
  return `${webUrl.replace(/\/+$/, "")}/data-entry/receipts/${receiptId}`;
}

export interface ReceiptNotifierOptions {
  accounts: Accounts;
  deliver: Deliver;
  /** The web shell's public address; without it notifications carry no button. */
  webUrl: string | undefined;
  logger: Logger;
}

export class ReceiptNotifier {
  constructor(private readonly options: ReceiptNotifierOptions) {}

  /** Tells the company's linked approvers that a receipt waits; how many chats were told. */
  async submitted(event: ReceiptSubmitted): Promise<number> {
    const { accounts } = this.options;
    const links = await accounts.store.allLinks();
    const byUser = new Map<number, Link[]>();
    for (const link of links) byUser.set(link.userId, [...(byUser.get(link.userId) ?? []), link]);
    let told = 0;
    for (const [userId, userLinks] of byUser) {
      // Segregation of duties: the submitter is not the one to approve.
      if (userId === event.submittedBy.userId) continue;
      const [first] = userLinks;
      const grants = first === undefined ? undefined : await accounts.grantsOf(first);
      if (grants === undefined || !isApproverOf(grants, event.companyId)) continue;
      told += await this.tell(userLinks, "approvals", event, receiptWaiting);
    }
    this.options.logger.info(
      { receiptId: event.receiptId, companyId: event.companyId, chats: told },
      "Approvers told on Telegram that a receipt waits",
    );
    return told;
  }

  approved(event: ReceiptApproved): Promise<number> {
    return this.tellSubmitter(event, receiptApprovedText);
  }

  rejected(event: ReceiptRejected): Promise<number> {
    return this.tellSubmitter(event, receiptRejectedText);
  }

  private async tellSubmitter<E extends ReceiptEvent>(
    event: E,
    text: (event: E, language: Language) => string,
  ): Promise<number> {
    const { accounts } = this.options;
    const userId = event.submittedBy.userId;
    // A receipt submitted before data-entry kept user ids names nobody to tell.
    const links = userId === null ? [] : await accounts.store.findByUser(userId);
    let told = 0;
    const [first] = links;
    if (first !== undefined) {
      const grants = await accounts.grantsOf(first);
      // Someone who may no longer see the company learns nothing more about its books.
      if (grants !== undefined && canSeeCompany(grants.companies, event.companyId)) {
        told = await this.tell(links, "outcomes", event, text);
      }
    }
    this.options.logger.info(
      { receiptId: event.receiptId, userId, chats: told },
      "Submitter told on Telegram how a receipt was decided",
    );
    return told;
  }

  /** Sends to each chat that wants this kind; how many got it. */
  private async tell<E extends ReceiptEvent>(
    links: Link[],
    kind: NotificationKind,
    event: E,
    text: (event: E, language: Language) => string,
  ): Promise<number> {
    const { accounts, deliver, webUrl } = this.options;
    const preferences = accounts.store.notificationPreferences();
    let told = 0;
    for (const link of links) {
      const choices = await preferences.of(link.telegramUserId);
      if (!choices[kind]) continue;
      const language = languageOf(link.language);
      const button =
        webUrl === undefined
          ? undefined
          : { text: openButtonLabel(language), url: receiptUrl(webUrl, event.receiptId) };
      if (await deliver(link.chatId, text(event, language), button)) told++;
    }
    return told;
  }
}

function isApproverOf(grants: Grants, companyId: number): boolean {
  return (
    hasPermission(grants.permissions, APPROVE_PERMISSION) &&
    canSeeCompany(grants.companies, companyId)
  );
}
