/**
 * Fastify makes a child logger for every request. Building a pino child serialises
 * its bindings each time, even when the request never logs; this stand-in builds the
 * real child only when a line is written (one small object per request otherwise).
 */
import type { FastifyBaseLogger } from "fastify";

type LogMethod = (...args: unknown[]) => void;

class LazyChildLogger {
  private real: FastifyBaseLogger | undefined;

  constructor(
    private readonly parent: FastifyBaseLogger,
    private readonly bindings: Record<string, unknown>,
  ) {}

  private write(
    level: "fatal" | "error" | "warn" | "info" | "debug" | "trace",
    args: unknown[],
  ): void {
    const parent = this.parent as FastifyBaseLogger & {
      isLevelEnabled?: (level: string) => boolean;
    };
    if (parent.isLevelEnabled && !parent.isLevelEnabled(level)) return;
    this.real ??= this.parent.child(this.bindings);
    (this.real[level] as LogMethod)(...args);
  }

  get level(): string {
    return this.parent.level;
  }
  set level(value: string) {
    this.real ??= this.parent.child(this.bindings);
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
    this.real ??= this.parent.child(this.bindings);
    return this.real.child(bindings, options);
  }
}

export function lazyChildLogger(
  parent: FastifyBaseLogger,
  bindings: Record<string, unknown>,
): FastifyBaseLogger {
  return new LazyChildLogger(parent, bindings) as unknown as FastifyBaseLogger;
}
