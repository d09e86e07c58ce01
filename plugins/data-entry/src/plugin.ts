/**
 * The data-entry plugin's code half (the static half is `roa2web` in package.json):
 * receipts with their entries, workflow and attachments in the plugin's own database, the
 * `data-entry.receipts` service for other plugins (the Telegram bot) and the receipt
 * events they subscribe to.
 */
import { dataEntryReceipts } from "@roa2web/data-entry-contract";
import { coreServices, definePlugin, type Logger } from "@roa2web/plugin-sdk";
import type { DataSource } from "typeorm";
import { adoptFolderAttachments } from "./attachment-adoption.js";
import { DatabaseAttachmentStorage } from "./attachment-database-storage.js";
import { SWEEP_MIN_AGE_MS } from "./attachment-storage.js";
import { ENTITIES } from "./entities.js";
import { MIGRATIONS } from "./migrations/index.js";
import { receiptsServiceFor } from "./receipts-service.js";
import { createState, type DataEntryState } from "./services.js";
import { uploadCeiling } from "./settings.js";

/** When this process started: files older than that were left by an earlier one. */
const PROCESS_STARTED = new Date(Date.now() - process.uptime() * 1000);

/** Removes what a crash left in the attachments folder (see AttachmentStorage.sweep). */
async function sweepAttachments(logger: Logger, state: DataEntryState): Promise<void> {
  const before = new Date(Math.min(PROCESS_STARTED.getTime(), Date.now() - SWEEP_MIN_AGE_MS));
  const removed = await state.storage.sweep(() => state.store.attachmentFileNames(), before);
  if (removed.temporaries + removed.orphans > 0) {
    logger.warn(
      { ...removed, attachments: state.storage.directory },
      "Removed attachment files left by an interrupted upload or delete",
    );
  }
}

/**
 * Moves attachments still stored as files into the database (database storage on
 * PostgreSQL, e.g. after `roa2web db copy-to-postgres`), in the background: a start
 * never waits on it, a failure is only logged and the next start goes on.
 */
function adoptAttachments(
  logger: Logger,
  state: DataEntryState,
  database: DataSource,
  signal: AbortSignal,
): Promise<void> {
  const { storage } = state;
  if (!(storage instanceof DatabaseAttachmentStorage)) return Promise.resolve();
  return new Promise<void>((resolve) => setImmediate(resolve))
    .then(() => adoptFolderAttachments(storage, database, logger, signal))
    .then(
      () => {},
      (error: unknown) => {
        if (signal.aborted) return;
        logger.error({ err: error }, "Moving attachments into the database failed");
      },
    );
}

export const plugin = definePlugin({
  deps: {
    logger: coreServices.logger,
    settings: coreServices.settings,
    erp: coreServices.erp,
    cache: coreServices.cache,
    redis: coreServices.redis,
  },
  // Resolved against this built file: dist/routes/.
  routes: new URL("./routes", import.meta.url),
  database: {
    entities: ENTITIES,
    migrations: MIGRATIONS,
  },
  // Fixed at import (see uploadCeiling); the route also enforces DATA_ENTRY_MAX_UPLOAD_BYTES.
  uploads: { maxFileBytes: uploadCeiling(process.env), maxFiles: 1 },
  async start(deps, runtime): Promise<DataEntryState> {
    const { logger, erp } = deps;
    // Settings are read here so a malformed DATA_ENTRY_* value fails the start, named.
    const state = createState({
      ...deps,
      environment: runtime.kernel.environment,
      dataDir: runtime.dataDir,
      database: runtime.database(),
      events: runtime.events,
      redis: deps.redis,
    });
    await sweepAttachments(logger, state);
    state.adoption = adoptAttachments(logger, state, runtime.database(), runtime.signal);
    runtime.provide(dataEntryReceipts, (caller) =>
      receiptsServiceFor(caller, state, { erp, logger }),
    );
    // Workers load in the background; jobs submitted before they are ready wait in the queue.
    state.ocr?.pool.start();
    // In the background: a start never waits on it, and a failure is only logged. Claimed
    // receipt by receipt, so a kernel running beside this one never reads the same twice.
    state.receiptOcr.keepClaims(runtime.signal);
    logger.info(
      {
        maxUploadBytes: state.settings.maxUploadBytes,
        accounts: state.settings.accounts,
        attachments: { storage: state.storage.kind, directory: state.storage.directory },
        ocr: state.settings.ocr.enabled ? state.settings.ocr : "disabled",
      },
      "Data entry plugin started",
    );
    return state;
  },
  async stop({ ocr, receiptOcr, adoption }) {
    // The jobs first: on a queue they hear that the kernel stops before the pool's close
    // fails the recognitions running here, and put those jobs back in the queue. The
    // signal has aborted: a move of attachments in progress ends after its current one.
    await Promise.all([ocr?.jobs.close(), ocr?.pool.close(), adoption]);
    // The receipts whose reading was cut short go to the next kernel or instance at once.
    await receiptOcr.releaseClaims();
  },
  async health({ store, ocr }) {
    const receipts = await store.counts();
    if (!ocr) return { status: "up", data: { receipts, ocr: "disabled" } };
    const pool = ocr.pool.status();
    const data = {
      receipts,
      ocr: pool.state,
      ocr_workers: pool.workers,
      ocr_queued: pool.queued,
      ocr_jobs: ocr.jobs.kind,
    };
    // Receipts work without OCR: a pool that failed or closed degrades the plugin, no more.
    if (pool.state === "failed" || pool.state === "closed") {
      return { status: "degraded", detail: `OCR ${pool.state}: ${pool.error ?? ""}`.trim(), data };
    }
    return { status: "up", data };
  },
});

export default plugin;
