/**
 * Notices when the event loop was held. One process serves everyone, so a route that
 * computes for 3 s delays every other request (and `/health`) by 3 s; the operator
 * needs the culprit's name, not only the symptom. A plugin route whose synchronous
 * work takes longer than the threshold is named (plugin, method, URL, ms) in the log
 * and in `/health`; a stall no route owns (a timer's busy loop, a synchronous library
 * call after an `await`) is still logged and shown, without a name. Nothing here can
 * interrupt a loop that never ends: see docs/adr/0012-contained-plugin-faults.md.
 */
import type { HealthStatus } from "@roa2web/plugin-sdk";

export interface LoopBlock {
  plugin: string | undefined;
  route: string | undefined;
  ms: number;
  at: string;
}

interface Logger {
  warn(object: object, message: string): void;
}

type Handler = (this: unknown, ...args: unknown[]) => unknown;

export class LoopWatch {
  private last: LoopBlock | undefined;
  private blocks = 0;
  private timer: NodeJS.Timeout | undefined;
  /** performance.now() when a route's block was last recorded, so the stall is not logged twice. */
  private attributedAt = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly thresholdMs: number,
    private readonly logger: Logger,
    /** How long `/health` shows a block as `degraded`. */
    private readonly recentMs = 5 * 60_000,
  ) {}

  /** Starts the stall detector (a timer that measures how late it fires). */
  start(intervalMs = Math.min(100, Math.max(10, Math.floor(this.thresholdMs / 4)))): void {
    if (this.timer || this.thresholdMs <= 0) return;
    let expected = performance.now() + intervalMs;
    this.timer = setInterval(() => {
      const now = performance.now();
      const late = now - expected;
      expected = now + intervalMs;
      if (late < this.thresholdMs) return;
      if (this.attributedAt >= now - late - intervalMs) return; // a route's, logged already
      this.record(undefined, undefined, late);
    }, intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** The handler, measured: its synchronous part names the route when it holds the loop. */
  wrap<T extends Handler>(plugin: string, route: string, handler: T): T {
    if (this.thresholdMs <= 0) return handler;
    const watch = this;
    return function measured(this: unknown, ...args: unknown[]) {
      const started = performance.now();
      try {
        return handler.apply(this, args);
      } finally {
        const took = performance.now() - started;
        if (took >= watch.thresholdMs) {
          watch.attributedAt = performance.now();
          watch.record(plugin, route, took);
        }
      }
    } as T;
  }

  private record(plugin: string | undefined, route: string | undefined, ms: number): void {
    const rounded = Math.round(ms);
    this.blocks += 1;
    this.last = { plugin, route, ms: rounded, at: new Date().toISOString() };
    this.logger.warn(
      { plugin, route, ms: rounded, thresholdMs: this.thresholdMs },
      plugin
        ? `Route ${route} of plugin "${plugin}" held the event loop for ${rounded} ms: every request waited`
        : `The event loop was held for ${rounded} ms outside any route: every request waited`,
    );
  }

  /** `degraded` for a while after a block, naming it; `up` otherwise. */
  health(): HealthStatus {
    const last = this.last;
    const data = { blocks: this.blocks, threshold_ms: this.thresholdMs, last: last ?? null };
    if (!last || Date.now() - Date.parse(last.at) > this.recentMs) return { status: "up", data };
    const who = last.plugin
      ? `route ${last.route} of plugin "${last.plugin}"`
      : "code outside any route";
    return {
      status: "degraded",
      detail: `The event loop was held for ${last.ms} ms by ${who} at ${last.at}`,
      data,
    };
  }
}
