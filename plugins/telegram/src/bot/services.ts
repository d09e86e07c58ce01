/**
 * The other plugins' services and the kernel's users as the bot reaches them: one
 * narrow door, built by plugin.ts, so the bot's parts do not know how the kernel
 * hands services over. Each lookup happens at call time: a provider may be disabled
 * or reloaded while the bot runs.
 */
import type { DataEntryReceipts } from "../receipts-contract.js";
import type { ReportsLookup } from "../reports-contract.js";

export interface BotServices {
  /** A user's current grants; undefined for an unknown or disabled account. */
  grantsOf(userId: number): Promise<
    | {
        username: string;
        permissions: readonly string[];
        companies: readonly number[] | "*";
      }
    | undefined
  >;
  /** The reports plugin's queries, or undefined while it is switched off. */
  reports(): ReportsLookup | undefined;
  /** The data-entry plugin's receipts, or undefined while it is switched off. */
  receipts(): DataEntryReceipts | undefined;
}
