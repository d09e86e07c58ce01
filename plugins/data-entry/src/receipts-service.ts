/**
 * The `data-entry.receipts` service: what other plugins (the Telegram bot) may do with
 * receipts, always for a signed-in user whose grants are checked here, on every call.
 */
import { Readable } from "node:stream";
import type { DataEntryReceipts, OcrReading } from "@roa2web/data-entry-contract";
import { assertCaller, type Caller, type ErpClient, type Logger } from "@roa2web/plugin-sdk";
import { overallConfidence } from "./ocr-fill.js";
import type { OcrJob } from "./ocr-jobs.js";
import { assertCompanyExists, type DataEntryState } from "./services.js";

export const WRITE_PERMISSION = "data-entry:write";

function readingOf(job: OcrJob): OcrReading | null {
  if (job.state !== "done" || job.fields === null) return null;
  const fields = job.fields;
  return {
    merchant: fields.merchant,
    date: fields.date,
    total: fields.total,
    vat: fields.vat,
    currency: fields.currency,
    confidence: overallConfidence(fields),
    tax_id: fields.tax_id,
    applied: job.applied?.fields ?? [],
  };
}

/**
 * The service as one caller sees it (the kernel builds the caller for every call). A
 * receipt is somebody's: a plugin acting on its own (`asSystem`) is refused (403).
 */
export function receiptsServiceFor(
  caller: Caller,
  state: DataEntryState,
  deps: { erp: ErpClient; logger: Logger },
): DataEntryReceipts {
  return {
    async createDraftFromImage(input) {
      assertCaller(caller, { permission: WRITE_PERMISSION, company: input.companyId });
      // assertCaller refuses a system caller; this narrows the type to the user.
      if (caller.kind !== "user") throw new Error("unreachable: a system caller was let through");
      await assertCompanyExists(deps.erp, input.companyId);
      const { user } = caller;
      const created = await state.receiptOcr.createFromImage({
        companyId: input.companyId,
        // created_by holds a user name, as for receipts typed in the web UI.
        by: user.username,
        fileName: input.fileName,
        upload: Readable.from([input.bytes]),
        maxBytes: state.settings.maxUploadBytes,
      });
      deps.logger.info(
        {
          receiptId: created.receipt.id,
          companyId: input.companyId,
          userId: user.id,
          via: caller.via,
          jobId: created.ocr?.job.id ?? null,
        },
        "Receipt created from an image (service)",
      );
      const ocr = created.ocr
        ? created.ocr.finished.then(readingOf, () => null)
        : Promise.resolve(null);
      return {
        receipt: {
          id: created.receipt.id,
          status: created.receipt.status,
          company_id: created.receipt.companyId,
          ocr_job_id: created.receipt.ocrJobId,
        },
        ocr,
      };
    },
  };
}
