/**
 * Fastify makes a child logger for every request. Building a pino child serialises
 * its bindings each time, even when the request never logs; this stand-in builds the
 * real child only when a line is written (one small object per request otherwise).
 */
import type { FastifyBaseLogger } from "fastify";
import { keepLogBindingsShape } from "./literal-shapes.js";

type LogMethod = (...args: unknown[]) => void;

class LazyChildLogger {
  private realLogger: FastifyBaseLogger | undefined;

  constructor(
    private readonly parent: FastifyBaseLogger,
    private readonly module: string,
    private readonly bindings: Record<string, unknown>,
  ) {}

  /** The pino child, built on first use (the bindings object is only merged then). */
  private get real(): FastifyBaseLogger {
    this.realLogger ??= this.parent.child({ module: this.module, ...this.bindings });
    return this.realLogger;
  }

  private write(
    level: "fatal" | "error" | "warn" | "info" | "debug" | "trace",
    args: unknown[],
  ): void {
    const parent = this.parent as FastifyBaseLogger & {
      isLevelEnabled?: (level: string) => boolean;
    };
    if (parent.isLevelEnabled && !parent.isLevelEnabled(level)) return;
    (this.real[level] as LogMethod)(...args);
  }

  get level(): string {
    return this.parent.level;
  }
  set level(value: string) {
    this.real.level = value;
  }
  fatal(...args: unknown[]) {
    this.write("fatal", args);
  }
  error(...args: unknown[]) {
    this.write("error", args);
  }
  warn(...args: unknown[]) {
    this.write("warn", args);
  }
  info(...args: unknown[]) {
    this.write("info", args);
  }
  debug(...args: unknown[]) {
    this.write("debug", args);
  }
  trace(...args: unknown[]) {
    this.write("trace", args);
  }
  silent() {}
  child(bindings: Record<string, unknown>, options?: object): FastifyBaseLogger {
    return this.real.child(bindings, options);
  }
}

/** A request's logger for `module` with Fastify's per-request `bindings` (the request id). */
export function lazyChildLogger(
  parent: FastifyBaseLogger,
  module: string,
  bindings: Record<string, unknown>,
): FastifyBaseLogger {
  // Fastify builds `bindings` with a computed key: its map must stay alive (literal-shapes.ts).
  keepLogBindingsShape(bindings);
  return new LazyChildLogger(parent, module, bindings) as unknown as FastifyBaseLogger;
}
