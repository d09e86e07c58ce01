/**
 * Oracle errors must not leak SQL or schema to clients: they become a 500 (a bug in
 * a query) or a 503 (the ERP is unreachable), with the cause kept for the log.
 */
import { InternalError, isRoaError, ServiceUnavailableError } from "@roa2web/plugin-sdk";

const UNAVAILABLE_CODES = new Set([
  "NJS-500", // connection closed
  "NJS-501",
  "NJS-503", // connection to host could not be established
  "NJS-040", // queue timeout
  "NJS-076",
  "NJS-123",
  "ORA-03113",
  "ORA-03114",
  "ORA-03135",
  "ORA-12170",
  "ORA-12514",
  "ORA-12541",
]);

export function toErpError(error: unknown, sql?: string): Error {
  if (isRoaError(error)) return error;
  const code = (error as { code?: string } | null)?.code ?? "";
  const prefix = code.split(":")[0] ?? "";
  if (UNAVAILABLE_CODES.has(prefix) || UNAVAILABLE_CODES.has(code)) {
    return new ServiceUnavailableError("The ERP database is not reachable right now", {
      cause: error,
    });
  }
  return new InternalError("The ERP query failed", {
    cause: sql ? Object.assign(new Error(String(error)), { cause: error, sql }) : error,
  });
}
