/**
 * `?format=xlsx|pdf` on a report's own URL answers the report as a file, exactly as its
 * `/export` URL does and with the same permission (reports:export); `format=json`, or
 * none, goes to the JSON handler untouched (the cached hot path pays one comparison).
 */
import { ForbiddenError, hasPermission, type Logger } from "@roa2web/plugin-sdk";
import { callerOf } from "./access.js";
import type { ReportReply } from "./cache-headers.js";
import type { ReportCaller } from "./contract.js";
import type { ExportParams, StartedExport } from "./export/report-exports.js";
import { type ExportReply, sendExport } from "./export/send.js";
import type { TableFormat } from "./export/table.js";
import type { ReportRequest } from "./report-handler.js";

export const EXPORT_PERMISSION = "reports:export";

/** The `format` a report's own URL takes (see schemas.ts). */
export interface ReportFormatParam {
  format?: "json" | TableFormat | undefined;
}

type FileRequest<Query> = ReportRequest<Query> & { id: string };
type FileReply = ReportReply & ExportReply;

export function reportOrFile<Query extends ReportFormatParam>(
  json: (
    request: ReportRequest<Query>,
    reply: ReportReply,
  ) => Buffer | string | Promise<Buffer | string>,
  file: (query: ExportParams<Query>, caller: ReportCaller) => Promise<StartedExport>,
  log: { logger: Logger; report: string },
): (request: FileRequest<Query>, reply: FileReply) => unknown {
  const asFile = async (request: FileRequest<Query>, reply: FileReply, format: TableFormat) => {
    const caller = callerOf(request);
    if (!hasPermission(request.user?.permissions ?? [], EXPORT_PERMISSION)) {
      throw new ForbiddenError(`This needs the permission ${EXPORT_PERMISSION}`, {
        details: { permission: EXPORT_PERMISSION },
      });
    }
    const started = await file({ ...request.query, format }, caller);
    return sendExport(reply, started, {
      logger: log.logger,
      reqId: request.id,
      report: log.report,
    });
  };
  return (request, reply) => {
    const format = request.query.format;
    return format === "xlsx" || format === "pdf"
      ? asFile(request, reply, format)
      : json(request, reply);
  };
}
