/**
 * Reports as files, for the routes: `fileHandler` answers a report's `/export` URL, and
 * `reportOrFile` lets `?format=xlsx|pdf` on the report's own URL answer the same file
 * with the same permission (reports:export); `format=json`, or none, goes to the JSON
 * handler untouched (the cached hot path pays one comparison).
 */
import { type AuthUser, ForbiddenError, hasPermission, type Logger } from "@roa2web/plugin-sdk";
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

type ReportFile<Query> = (
  query: ExportParams<Query>,
  caller: ReportCaller,
) => Promise<StartedExport>;

interface FileLog {
  logger: Logger;
  report: string;
}

interface Caller {
  id: string;
  user: AuthUser | null;
}

async function sendFile<Query>(
  file: ReportFile<Query>,
  log: FileLog,
  query: ExportParams<Query>,
  request: Caller,
  reply: ExportReply,
): Promise<unknown> {
  const started = await file(query, callerOf(request));
  return sendExport(reply, started, { logger: log.logger, reqId: request.id, report: log.report });
}

/** The handler of a report's `/export` URL (whose route declares reports:export). */
export function fileHandler<Query>(
  file: ReportFile<Query>,
  log: FileLog,
): (request: Caller & { query: ExportParams<Query> }, reply: ExportReply) => Promise<unknown> {
  return (request, reply) => sendFile(file, log, request.query, request, reply);
}

export function reportOrFile<Query extends ReportFormatParam>(
  json: (
    request: ReportRequest<Query>,
    reply: ReportReply,
  ) => Buffer | string | Promise<Buffer | string>,
  file: ReportFile<Query>,
  log: FileLog,
): (request: ReportRequest<Query> & Caller, reply: ReportReply & ExportReply) => unknown {
  const asFile = async (
    request: ReportRequest<Query> & Caller,
    reply: ExportReply,
    format: TableFormat,
  ) => {
    if (!hasPermission(request.user?.permissions ?? [], EXPORT_PERMISSION)) {
      throw new ForbiddenError(`This needs the permission ${EXPORT_PERMISSION}`, {
        details: { permission: EXPORT_PERMISSION },
      });
    }
    return sendFile(file, log, { ...request.query, format }, request, reply);
  };
  return (request, reply) => {
    const format = request.query.format;
    return format === "xlsx" || format === "pdf"
      ? asFile(request, reply, format)
      : json(request, reply);
  };
}
