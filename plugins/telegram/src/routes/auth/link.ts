/** /api/telegram/auth/*: link codes, link status, unlink from the web. */
import { defineRoutes, requireUser, type TypeBoxTypeProvider } from "@roa2web/plugin-sdk";
import { BotNotConfiguredError } from "../../errors.js";
import type { plugin } from "../../plugin.js";
import { createCodeSchema, linkStatusSchema, unlinkSchema } from "../../schemas.js";

export default defineRoutes<typeof plugin>(async (fastify, { deps, state }) => {
  // Request and answer types come from the schemas (schemas.ts).
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const { store, bot } = state;
  app.post(
    "/codes",
    { config: { access: "telegram:link" }, schema: createCodeSchema },
    async (request, reply) => {
      const user = requireUser(request);
      // No bot runs without a token: a code would be for a bot that does not exist.
      if (bot === undefined) throw new BotNotConfiguredError();
      const { code, expiresAt } = await store.createCode(user);
      deps.logger.info({ reqId: request.id, userId: user.id }, "Telegram link code created");
      reply.code(201);
      return { code, expires_at: expiresAt.toISOString() };
    },
  );

  app.get(
    "/status",
    { config: { access: "authenticated" }, schema: linkStatusSchema },
    async (request) => {
      const user = requireUser(request);
      const links = await store.findByUser(user.id);
      return {
        bot_configured: bot !== undefined,
        linked: links.length > 0,
        links: links.map((link) => ({
          telegram_user_id: Number(link.telegramUserId),
          current_company_id: link.currentCompanyId,
          linked_at: link.linkedAt.toISOString(),
        })),
      };
    },
  );

  app.delete(
    "/link",
    { config: { access: "authenticated" }, schema: unlinkSchema },
    async (request) => {
      const user = requireUser(request);
      const removed = await store.unlinkUser(user.id);
      deps.logger.info({ reqId: request.id, userId: user.id, removed }, "Telegram unlinked");
      return { removed };
    },
  );
});
