/** Sends a started export as the response body, with its headers, and logs how it ended. */
import type { Logger } from "@roa2web/plugin-sdk";
import { attachmentDisposition, type StartedExport } from "./report-exports.js";

export interface ExportReply {
  header(name: string, value: string): unknown;
  send(payload: unknown): unknown;
}

export function sendExport(
  reply: ExportReply,
  started: StartedExport,
  log: { logger: Logger; reqId: string; report: string },
): unknown {
  const startedAt = performance.now();
  void started.finished.then((outcome) => {
    const fields = {
      reqId: log.reqId,
      report: log.report,
      file: started.filename.ascii,
      rows: outcome.rows,
      ms: Math.round(performance.now() - startedAt),
    };
    if (outcome.error !== undefined) {
      log.logger.error({ ...fields, err: outcome.error }, "Report export failed after it started");
    } else if (outcome.aborted) {
      log.logger.info(fields, "Report export stopped: the client went away");
    } else {
      log.logger.info(fields, "Report exported");
    }
  });
  reply.header("Content-Type", started.contentType);
  reply.header("Content-Disposition", attachmentDisposition(started.filename));
  // A file of the books: never kept by a browser or a proxy.
  reply.header("Cache-Control", "no-store");
  return reply.send(started.output);
}
