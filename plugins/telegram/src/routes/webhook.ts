/**
 * POST /api/telegram/webhook: where Telegram delivers updates in webhook mode. Public
 * (Telegram sends no user token); the secret-token header is checked before the body
 * is even parsed, and the update is handed to the bot without waiting for it.
 */
import {
  defineRoutes,
  ForbiddenError,
  NotFoundError,
  UnauthorizedError,
} from "@roa2web/plugin-sdk";
import type { Update } from "telegraf/types";
import type { plugin } from "../plugin.js";
import { webhookSchema } from "../schemas.js";
import { SECRET_HEADER, secretMatches } from "../webhook.js";

export default defineRoutes<typeof plugin>(async (app, { deps, state }) => {
  const { bot } = state;
  app.post<{ Body: Update }>(
    "/webhook",
    {
      config: { access: "public" },
      schema: webhookSchema,
      onRequest: async (request) => {
        const webhook = bot?.webhook;
        if (webhook === undefined) {
          throw new NotFoundError("The Telegram bot is not in webhook mode");
        }
        const presented = request.headers[SECRET_HEADER];
        if (typeof presented !== "string" || presented === "") {
          throw new UnauthorizedError("The X-Telegram-Bot-Api-Secret-Token header is missing");
        }
        if (!secretMatches(webhook.secret, presented)) {
          deps.logger.warn({ reqId: request.id }, "Telegram webhook called with a wrong secret");
          throw new ForbiddenError("The X-Telegram-Bot-Api-Secret-Token header is wrong");
        }
      },
    },
    async (request) => {
      if (bot === undefined) throw new NotFoundError("The Telegram bot is not running");
      // A redelivered update (to this kernel or another) is not handled again, but still
      // acknowledged; a claim the database cannot make fails the request (Telegram retries).
      await bot.receive(request.body);
      return { ok: true };
    },
  );
});
