/** The `data-entry.receipts` service: what other plugins (the Telegram bot) may do with receipts. */
import { Readable } from "node:stream";
import {
  CompanyNotAllowedError,
  canSeeCompany,
  ForbiddenError,
  hasPermission,
  type PluginContext,
} from "@roa2web/plugin-sdk";
import type { DataEntryReceipts, OcrReading } from "./contract.js";
import { overallConfidence } from "./ocr-fill.js";
import type { OcrJob } from "./ocr-jobs.js";
import { assertCompanyExists, type DataEntryServices } from "./services.js";

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

export function receiptsService(
  context: PluginContext,
  services: DataEntryServices,
): DataEntryReceipts {
  return {
    async createDraftFromImage(input) {
      if (!hasPermission(input.caller.permissions, WRITE_PERMISSION)) {
        throw new ForbiddenError(`This needs the permission ${WRITE_PERMISSION}`, {
          details: { permission: WRITE_PERMISSION },
        });
      }
      if (!canSeeCompany(input.caller.companies, input.companyId)) {
        throw new CompanyNotAllowedError(input.companyId);
      }
      await assertCompanyExists(context.erp, input.companyId);
      // created_by holds a user name, as for receipts typed in the web UI.
      const user = await context.services.get("kernel.users")?.grantsOf(input.userId);
      const by = user?.username ?? `user#${input.userId}`;
      const created = await services.receiptOcr.createFromImage({
        companyId: input.companyId,
        by,
        fileName: input.fileName,
        upload: Readable.from([input.bytes]),
        maxBytes: services.settings.maxUploadBytes,
      });
      context.logger.info(
        {
          receiptId: created.receipt.id,
          companyId: input.companyId,
          userId: input.userId,
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
