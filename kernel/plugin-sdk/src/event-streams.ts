/**
 * Server-Sent Events that end without being an error: when the serving kernel stops
 * (a hand-over to a new kernel process, a shutdown) or the plugin instance stops (a
 * reload), an open stream gets this last event and ends. A client reads it as "open
 * the same URL again after `retry_ms`" — the next kernel or instance answers.
 */

/** The event's name: `event: reconnect`. */
export const SSE_RECONNECT_EVENT = "reconnect";

/** How long a client waits before it reconnects, unless the event says otherwise. */
export const SSE_RECONNECT_RETRY_MS = 1000;

export type SseReconnectReason = "server-stopping" | "plugin-stopping";

/** The data of a `reconnect` event. */
export interface SseReconnect {
  reason: SseReconnectReason;
  retry_ms: number;
}

/**
 * The event as written on the wire: `retry:` (EventSource's own reconnection delay),
 * the event name and its JSON data.
 */
export function sseReconnectEvent(
  reason: SseReconnectReason,
  retryMs = SSE_RECONNECT_RETRY_MS,
): string {
  const data: SseReconnect = { reason, retry_ms: retryMs };
  return `retry: ${retryMs}\nevent: ${SSE_RECONNECT_EVENT}\ndata: ${JSON.stringify(data)}\n\n`;
}
