/**
 * The data-entry plugin's code half (the static half is `roa2web` in package.json):
 * receipts with their entries, workflow and attachments in the plugin's own SQLite, and
 * the `data-entry.receipts` service for other plugins (the Telegram bot).
 */
import { definePlugin, type PluginContext } from "@roa2web/plugin-sdk";
import type {} from "./contract.js";
import { ENTITIES } from "./entities.js";
import { CreateReceipts1764100000000 } from "./migrations/1764100000000-create-receipts.js";
import { DraftsAwaitingOcr1764200000000 } from "./migrations/1764200000000-drafts-awaiting-ocr.js";
import { HistoryNotes1764400000000 } from "./migrations/1764400000000-history-notes.js";
import { ReceiptsInLei1764900000000 } from "./migrations/1764900000000-receipts-in-lei.js";
import { TransitionUserIds1765100000000 } from "./migrations/1765100000000-transition-user-ids.js";
import { receiptsService } from "./receipts-service.js";
import { createServices, type DataEntryServices, SERVICES_KEY, servicesOf } from "./services.js";
import { uploadCeiling } from "./settings.js";

/** When this process started: files older than that were left by an earlier one. */
const PROCESS_STARTED = new Date(Date.now() - process.uptime() * 1000);

/** Removes what a crash left in the attachments folder (see AttachmentStorage.sweep). */
async function sweepAttachments(ctx: PluginContext, services: DataEntryServices): Promise<void> {
  const recorded = await services.store.attachmentFileNames();
  const removed = await services.storage.sweep((name) => recorded.has(name), PROCESS_STARTED);
  if (removed.temporaries + removed.orphans > 0) {
    ctx.logger.warn(
      { ...removed, attachments: services.storage.directory },
      "Removed attachment files left by an interrupted upload or delete",
    );
  }
}

export default definePlugin({
  // Resolved against this built file: dist/routes/.
  routes: new URL("./routes", import.meta.url),
  database: {
    entities: ENTITIES,
    migrations: [
      CreateReceipts1764100000000,
      DraftsAwaitingOcr1764200000000,
      HistoryNotes1764400000000,
      ReceiptsInLei1764900000000,
      TransitionUserIds1765100000000,
    ],
  },
  // Fixed at import (see uploadCeiling); the route also enforces DATA_ENTRY_MAX_UPLOAD_BYTES.
  uploads: { maxFileBytes: uploadCeiling(process.env), maxFiles: 1 },
  async start(ctx) {
    // Settings are read here so a malformed DATA_ENTRY_* value fails the start, named.
    const services = createServices(ctx);
    ctx.register(SERVICES_KEY, services);
    await sweepAttachments(ctx, services);
    ctx.services.provide("data-entry.receipts", receiptsService(ctx, services));
    // Workers load in the background; jobs submitted before they are ready wait in the queue.
    services.ocr?.pool.start();
    // In the background: a start never waits on it, and a failure is only logged.
    services.receiptOcr.resumeInterrupted().catch((error: unknown) => {
      ctx.logger.error({ err: error }, "Could not look for receipts whose OCR was interrupted");
    });
    ctx.logger.info(
      {
        maxUploadBytes: services.settings.maxUploadBytes,
        accounts: services.settings.accounts,
        attachments: services.storage.directory,
        ocr: services.settings.ocr.enabled ? services.settings.ocr : "disabled",
      },
      "Data entry plugin started",
    );
  },
  async stop(ctx) {
    const { ocr } = servicesOf(ctx);
    await Promise.all([ocr?.pool.close(), ocr?.jobs.close()]);
  },
  async health(ctx) {
    const { store, ocr } = servicesOf(ctx);
    const receipts = await store.counts();
    if (!ocr) return { status: "up", data: { receipts, ocr: "disabled" } };
    const pool = ocr.pool.status();
    const data = { receipts, ocr: pool.state, ocr_workers: pool.workers, ocr_queued: pool.queued };
    // Receipts work without OCR: a pool that failed or closed degrades the plugin, no more.
    if (pool.state === "failed" || pool.state === "closed") {
      return { status: "degraded", detail: `OCR ${pool.state}: ${pool.error ?? ""}`.trim(), data };
    }
    return { status: "up", data };
  },
});
