/**
 * Reports as files, for the routes: `fileHandler` answers a report's `/export` URL, and
 * `reportFileOrNot` lets `?format=xlsx|pdf` on the report's own URL answer the same
 * file with the same permission (reports:export); `format=json`, or none, is left to
 * the cached JSON report (the hot path pays one comparison).
 */
import {
  type AuthUser,
  ForbiddenError,
  hasPermission,
  type Logger,
  signedInUser,
} from "@roa2web/plugin-sdk";
import type { ExportParams, StartedExport } from "./export/report-exports.js";
import { type ExportReply, sendExport } from "./export/send.js";
import type { TableFormat } from "./export/table.js";
import type { ReportCaller } from "./period-resolver.js";

export const EXPORT_PERMISSION = "reports:export";

/** The `format` a report's own URL takes (see schemas.ts). */
export interface ReportFormatParam {
  format?: "json" | TableFormat | undefined;
}

export type ReportFile<Query> = (
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
  const started = await file(query, signedInUser(request));
  return sendExport(reply, started, { logger: log.logger, reqId: request.id, report: log.report });
}

/** The handler of a report's `/export` URL (whose route declares reports:export). */
export function fileHandler<Query>(
  file: ReportFile<Query>,
  log: FileLog,
): (request: Caller & { query: ExportParams<Query> }, reply: ExportReply) => Promise<unknown> {
  return (request, reply) => sendFile(file, log, request.query, request, reply);
}

/** Whether a report's query asks for its file (`format=xlsx|pdf`) rather than the JSON. */
export function asksForFile<Query extends ReportFormatParam>(
  query: Query,
): query is Query & { format: TableFormat } {
  return query.format === "xlsx" || query.format === "pdf";
}

/**
 * For a report's own URL: the file when `format` is xlsx or pdf (refused without
 * reports:export), `undefined` (the JSON report) otherwise.
 */
export function reportFileOrNot<Query extends ReportFormatParam>(
  file: ReportFile<Query>,
  log: FileLog,
): (request: Caller & { query: Query }, reply: ExportReply) => Promise<unknown> | undefined {
  return (request, reply) => {
    const query = request.query;
    if (!asksForFile(query)) return undefined;
    if (!hasPermission(request.user?.permissions ?? [], EXPORT_PERMISSION)) {
      throw new ForbiddenError(`This needs the permission ${EXPORT_PERMISSION}`, {
        details: { permission: EXPORT_PERMISSION },
      });
    }
    return sendFile(file, log, { ...query, format: query.format }, request, reply);
  };
}
