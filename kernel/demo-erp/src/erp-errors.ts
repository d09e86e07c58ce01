/**
 * SQLite errors must not leak SQL or schema to clients: they become a 500 (a bug in a
 * query) or a 503 (the file cannot be opened or is locked), with the cause kept for the log.
 */
import { InternalError, isRoaError, ServiceUnavailableError } from "@roa2web/plugin-sdk";

const UNAVAILABLE_CODES = new Set(["SQLITE_CANTOPEN", "SQLITE_BUSY"]);

export function toErpError(error: unknown, sql?: string): Error {
  if (isRoaError(error)) return error;
  const code = (error as { code?: string } | null)?.code ?? "";
  if (UNAVAILABLE_CODES.has(code)) {
    return new ServiceUnavailableError("The ERP database is not reachable right now", {
      cause: error,
    });
  }
  return new InternalError("The ERP query failed", {
    cause: sql ? Object.assign(new Error(String(error)), { cause: error, sql }) : error,
  });
}
