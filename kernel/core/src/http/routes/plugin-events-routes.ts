/**
 * `GET /api/kernel/plugins/events`: Server-Sent Events that tell the shell when the
 * plugins it shows changed (installed, upgraded, reloaded, enabled, disabled), so an
 * open page can load a plugin's new UI, or say that a new version is there, without
 * polling. The first event is the current list; each later one is sent only when the
 * list this user sees differs from the last one sent. A hand-over to a new kernel
 * process ends the stream with `event: reconnect` (the switchboard's); the client opens
 * it again and the new kernel's first event carries the new versions.
 *
 * The stream lives as long as the access token that opened it: at each heartbeat and
 * each change the token is checked again, and an expired or signed-out token ends the
 * stream (the client reconnects with a fresh one).
 */
import { hasPermission, RoaError } from "@roa2web/plugin-sdk";
import type { FastifyInstance } from "fastify";
import type { KernelCradle } from "../../kernel-cradle.js";
import {
  ADMIN_PERMISSION,
  packagesByPlugin,
  problemsByPlugin,
  view,
} from "./plugin-admin-routes.js";
import { errorsAnswered } from "./schemas.js";

export const PLUGIN_EVENTS_HEARTBEAT_MS = 15_000;

/**
 * How the shell takes a new version of the plugin whose page is open: `live` loads the
 * new UI in place (development: the dev loop), `notice` leaves the page alone and offers
 * a reload (production: nobody's form is yanked away mid-edit).
 */
export type UiReloadMode = "live" | "notice";

export function uiReloadMode(kernel: KernelCradle): UiReloadMode {
  return kernel.settings.plugins.uiReload;
}

function bearer(header: string | undefined): string | undefined {
  return header !== undefined && /^Bearer /i.test(header) ? header.slice(7).trim() : undefined;
}

export async function pluginEventsRoutes(
  app: FastifyInstance,
  kernel: KernelCradle,
): Promise<void> {
  app.get(
    "/api/kernel/plugins/events",
    {
      config: { access: "authenticated" },
      schema: {
        tags: ["kernel"],
        summary:
          "Server-Sent Events: `event: plugins` with the plugin list as GET /api/kernel/plugins answers it, first at once, then on every change",
        description:
          "text/event-stream. Data: `{ items, ui_reload }` where `ui_reload` is `live` (development: load a plugin's new UI in place) or `notice` (production: offer a reload). A comment every 15 s; the stream ends when the access token expires or is signed out, and with `event: reconnect` when the kernel hands over or stops. Authenticate with the Authorization header; without `Accept: text/event-stream` the answer is 406.",
        produces: ["text/event-stream"],
        response: {
          200: { description: "The event stream", type: "string" },
          ...errorsAnswered(406),
        },
      },
    },
    async (request, reply) => {
      // The switchboard tells a stream from a request by this header (a stream must not
      // hold up a generation swap); without it this would be an answer that never ends.
      if (request.headers.accept?.includes("text/event-stream") !== true) {
        throw new RoaError(
          "NOT_ACCEPTABLE",
          406,
          "This is an event stream: send Accept: text/event-stream",
        );
      }
      const token = bearer(request.headers.authorization);
      const admin = hasPermission(request.user?.permissions ?? [], ADMIN_PERMISSION);
      const mode = uiReloadMode(kernel);
      const snapshot = async () => {
        const records = kernel.plugins
          .list()
          .filter((record) => admin || record.state === "enabled");
        const problems = admin ? problemsByPlugin(kernel) : new Map<string, string[]>();
        const packages = admin ? await packagesByPlugin(kernel) : undefined;
        const items = records.map((record) => view(record, admin, problems, packages));
        return JSON.stringify({ items, ui_reload: mode });
      };
      const first = await snapshot();

      reply.hijack();
      const response = reply.raw;
      const headers: Record<string, string | number | string[]> = {};
      for (const [name, value] of Object.entries(reply.getHeaders())) {
        if (value !== undefined && name !== "content-length") headers[name] = value;
      }
      response.writeHead(200, {
        ...headers,
        "content-type": "text/event-stream; charset=utf-8",
        "cache-control": "no-cache, no-store",
        "x-accel-buffering": "no",
      });
      let last = first;
      response.write(`event: plugins\ndata: ${first}\n\n`);

      let closed = false;
      /** False (and the stream ended) once the token that opened it no longer holds. */
      const stillSignedIn = (): boolean => {
        if (closed) return false;
        try {
          if (token !== undefined) kernel.accessTokens.verify(token);
          return true;
        } catch {
          close();
          return false;
        }
      };
      let sending = Promise.resolve();
      const unsubscribe = kernel.pluginChanges.subscribe(() => {
        // One snapshot at a time, in order: two quick changes end on the latest list.
        sending = sending
          .then(async () => {
            if (!stillSignedIn()) return;
            const next = await snapshot();
            if (next === last || closed || response.writableEnded) return;
            last = next;
            response.write(`event: plugins\ndata: ${next}\n\n`);
          })
          .catch((error: unknown) =>
            request.log.warn({ err: error }, "Plugin event stream: could not send the list"),
          );
      });
      const heartbeat = setInterval(() => {
        if (stillSignedIn() && !response.writableEnded) response.write(": heartbeat\n\n");
      }, PLUGIN_EVENTS_HEARTBEAT_MS);
      heartbeat.unref();
      function close(): void {
        if (closed) return;
        closed = true;
        clearInterval(heartbeat);
        unsubscribe();
        if (!response.writableEnded) response.end();
      }
      response.on("close", close);
    },
  );
}
