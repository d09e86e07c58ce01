/**
 * Follows `GET /api/kernel/plugins/events` while the user is signed in: each `plugins`
 * event is the plugin list as `/api/kernel/plugins` would answer it, sent at once and
 * again whenever it changes (an install, upgrade, reload, enable or disable on the
 * server). The stream is opened again after it ends — a `reconnect` event (the kernel
 * handing over to a new process, or stopping), the token expiring, a network failure —
 * after the delay the server asked for, or a growing one while the server cannot be
 * reached.
 */
import { readEvents } from "./http.js";
import type { PluginInfo } from "./shell-state.js";

export type UiReload = "live" | "notice";

export interface PluginsEvent {
  items: PluginInfo[];
  ui_reload: UiReload;
}

const FIRST_RETRY_MS = 1000;
const LONGEST_RETRY_MS = 30_000;

/** Follows the stream until `signal` aborts; `onPlugins` gets every list. */
export async function followPluginUpdates(
  onPlugins: (event: PluginsEvent) => void,
  signal: AbortSignal,
): Promise<void> {
  let failures = 0;
  while (!signal.aborted) {
    let retryMs: number | undefined;
    try {
      await readEvents(
        "/api/kernel/plugins/events",
        ({ event, data }) => {
          if (event === "plugins") {
            failures = 0;
            onPlugins(data as PluginsEvent);
          } else if (event === "reconnect") {
            const asked = (data as { retry_ms?: unknown }).retry_ms;
            retryMs = typeof asked === "number" ? asked : FIRST_RETRY_MS;
          }
        },
        signal,
      );
    } catch (error) {
      if (signal.aborted) return;
      // Signed out (the session ended): the shell stops following when it notices.
      if ((error as { status?: number }).status === 401) return;
      failures += 1;
    }
    const wait = retryMs ?? Math.min(FIRST_RETRY_MS * 2 ** failures, LONGEST_RETRY_MS);
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, wait);
      signal.addEventListener(
        "abort",
        () => {
          clearTimeout(timer);
          resolve();
        },
        { once: true },
      );
    });
  }
}
