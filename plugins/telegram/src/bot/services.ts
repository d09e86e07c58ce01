/**
 * What the bot uses of the kernel and of other plugins, as plugin.ts's `deps` resolve
 * them: the kernel's users (current grants) and the reports and data-entry services as
 * handles, called `.for(user)` with the linked user's current grants so each provider
 * checks that user's permissions and companies itself. A handle looks its provider up
 * at every call: the provider may be disabled or reloaded while the bot runs.
 */
import type { DataEntryReceipts } from "@roa2web/data-entry-contract";
import type { KernelUsersService, ServiceHandle } from "@roa2web/plugin-sdk";
import type { ReportQueries } from "@roa2web/reports-contract";

export interface BotServices {
  users: KernelUsersService;
  reports: ServiceHandle<ReportQueries>;
  receipts: ServiceHandle<DataEntryReceipts>;
}
