/**
 * Server-sent events on a raw Node response that Fastify has handed over
 * (`reply.hijack()`): nothing buffers or serialises the stream, and each event is
 * written as soon as it happens. A comment line every `heartbeatMs` keeps proxies
 * from closing an idle stream. A stream cut short by a stop ends with the SDK's
 * `reconnect` event (`reconnect()` here for a plugin instance that stops; the kernel's
 * switchboard writes the same when the kernel stops).
 */
import type { ServerResponse } from "node:http";
import { type SseReconnectReason, sseReconnectEvent } from "@roa2web/plugin-sdk";

export const HEARTBEAT_MS = 15_000;

export class EventStream {
  #closed = false;
  readonly #heartbeat: NodeJS.Timeout;
  readonly #onClose: Array<() => void> = [];

  /**
   * Writes the status line and headers at once: `headers` are the ones Fastify had
   * gathered for this reply (security headers, x-request-id, CORS), which a hijacked
   * reply would otherwise never send.
   */
  constructor(
    private readonly response: ServerResponse,
    headers: Record<string, string | number | string[] | undefined>,
    heartbeatMs = HEARTBEAT_MS,
  ) {
    const sent: Record<string, string | number | string[]> = {};
    for (const [name, value] of Object.entries(headers)) {
      if (value !== undefined && name !== "content-length") sent[name] = value;
    }
    response.writeHead(200, {
      ...sent,
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-cache, no-store",
      // nginx buffers proxied answers unless told not to.
      "x-accel-buffering": "no",
    });
    response.flushHeaders();
    this.#heartbeat = setInterval(() => this.comment("heartbeat"), heartbeatMs);
    // The client went away (or the socket failed): stop writing, run the clean-ups.
    response.on("close", () => this.close());
  }

  /** Closed here, or ended by the kernel (its reconnect event on a stop). */
  get closed(): boolean {
    return this.#closed || this.response.writableEnded;
  }

  /** One event: `event: <name>` and its JSON data on one line. */
  send(event: string, data: unknown): void {
    if (this.closed) return;
    this.response.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  }

  comment(text: string): void {
    if (this.closed) return;
    this.response.write(`: ${text}\n\n`);
  }

  /** Runs once, when the stream closes for whatever reason. */
  onClose(cleanup: () => void): void {
    if (this.#closed) cleanup();
    else this.#onClose.push(cleanup);
  }

  /** Tells the client to open the stream again (the stop of this instance), then closes. */
  reconnect(reason: SseReconnectReason): void {
    if (this.closed) return;
    this.response.write(sseReconnectEvent(reason));
    this.close();
  }

  /** Ends the response (if still open) and runs the clean-ups; safe to call twice. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#heartbeat);
    if (!this.response.writableEnded) this.response.end();
    for (const cleanup of this.#onClose.splice(0)) cleanup();
  }
}
