/**
 * One pino stream for the whole process. The root logger carries no module: the
 * kernel logs through a `{module: "kernel"}` child, each plugin through its own
 * `{module: <name>}` child, requests add `reqId`. JSON in production, pretty on a terminal.
 */
import { type DestinationStream, type Logger as PinoLogger, pino } from "pino";
import type { KernelSettings } from "../config/settings.js";

export type KernelLogger = PinoLogger;

export function createLogger(
  settings: KernelSettings,
  destination?: DestinationStream,
): KernelLogger {
  const options = {
    level: settings.log.level,
    base: undefined,
    // Never write credentials or tokens, whatever a caller logs.
    redact: {
      paths: [
        "password",
        "*.password",
        "refresh_token",
        "*.refresh_token",
        "access_token",
        "*.access_token",
        "req.headers.authorization",
        "req.headers.cookie",
      ],
      censor: "[redacted]",
    },
  };
  if (destination) return pino(options, destination);
  if (settings.log.pretty) {
    return pino({
      ...options,
      transport: {
        target: "pino-pretty",
        options: {
          translateTime: "SYS:HH:MM:ss.l",
          ignore: "pid,hostname,module",
          messageFormat: "[{module}] {msg}",
        },
      },
    });
  }
  return pino(options);
}
