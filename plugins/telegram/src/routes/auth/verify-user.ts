/**
 * POST /api/telegram/auth/verify-user: which roa2web user a Telegram account is linked
 * to, with that user's current permissions and companies. Kept from the old separate
 * bot (which asked the web app this on every message), for a bot or integration that
 * still runs outside the process: it calls with the token of a service account
 * holding `telegram:verify-user`. The in-process bot does not need it.
 */
import { defineRoutes, NotFoundError, type TypeBoxTypeProvider } from "@roa2web/plugin-sdk";
import type { plugin } from "../../plugin.js";
import { verifyUserSchema } from "../../schemas.js";

export default defineRoutes<typeof plugin>(async (fastify, { deps, state }) => {
  // Request and answer types come from the schema (schemas.ts).
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  app.post(
    "/verify-user",
    { config: { access: "telegram:verify-user" }, schema: verifyUserSchema },
    async (request) => {
      const telegramUserId = request.body.telegram_user_id;
      const link = await state.store.findByTelegramUser(telegramUserId);
      // Grants as they are now, not as they were at linking: a revoked company or a
      // disabled account shows at once.
      const grants = link ? await deps.users.grantsOf(link.userId) : undefined;
      if (!link || !grants) {
        throw new NotFoundError(
          `Telegram user ${telegramUserId} is not linked to an active account`,
        );
      }
      request.log.info(
        { telegramUserId, userId: link.userId, by: request.user?.username },
        "Telegram user verified",
      );
      return {
        linked: true,
        user: { id: link.userId, username: grants.username, display_name: link.displayName },
        permissions: [...grants.permissions],
        companies: grants.companies === "*" ? ("*" as const) : [...grants.companies],
        current_company_id: link.currentCompanyId,
        linked_at: link.linkedAt.toISOString(),
      };
    },
  );
});
