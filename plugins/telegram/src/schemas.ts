/**
 * JSON schemas of the HTTP routes, written once with TypeBox: Fastify validates and
 * serialises with them, /api/docs shows them, and the routes' request and answer types
 * are derived from them (the TypeBox type provider), so the two cannot drift apart.
 * Kept as constants: `tags`/`summary` are not in the SDK's types.
 */
import { errorResponseSchema, errorResponses, type Static, Type } from "@roa2web/plugin-sdk";

/** `integer` or `null`, as one JSON-schema `type` list (what the answers always said). */
const nullableInteger = Type.Unsafe<number | null>({ type: ["integer", "null"] });

const notConfigured = {
  ...errorResponseSchema,
  description:
    "TELEGRAM_NOT_CONFIGURED: no bot runs (TELEGRAM_BOT_TOKEN unset), so no link code is made",
};

export const createCodeSchema = {
  tags: ["telegram"],
  summary: "Create a single-use code (8 characters, valid 10 minutes) to link a Telegram account",
  response: {
    201: Type.Object({ code: Type.String(), expires_at: Type.String() }),
    ...errorResponses(401, 403),
    409: notConfigured,
  },
};

/** One Telegram account linked to the caller, as the status lists it. */
const linkView = Type.Object({
  telegram_user_id: Type.Optional(Type.Number()),
  current_company_id: Type.Optional(nullableInteger),
  linked_at: Type.Optional(Type.String()),
});
export type LinkView = Static<typeof linkView>;

export const linkStatusSchema = {
  tags: ["telegram"],
  summary: "Whether the caller has linked a Telegram account",
  response: {
    200: Type.Object({
      bot_configured: Type.Boolean({
        description: "false while TELEGRAM_BOT_TOKEN is unset: no bot to link to",
      }),
      linked: Type.Boolean(),
      links: Type.Array(linkView),
    }),
    ...errorResponses(401, 403),
  },
};

export const unlinkSchema = {
  tags: ["telegram"],
  summary: "Unlink every Telegram account of the caller",
  response: {
    200: Type.Object({ removed: Type.Integer() }),
    ...errorResponses(401, 403),
  },
};

export const webhookSchema = {
  tags: ["telegram"],
  summary:
    "Telegram posts bot updates here in webhook mode; X-Telegram-Bot-Api-Secret-Token must carry TELEGRAM_WEBHOOK_SECRET",
  // Only `update_id` is checked here; the rest is Telegram's `Update`, read by the bot.
  body: Type.Object({ update_id: Type.Integer({ minimum: 0 }) }, { additionalProperties: true }),
  response: {
    200: Type.Object({ ok: Type.Boolean() }),
    ...errorResponses(401, 403, 404),
  },
};

export const verifyUserSchema = {
  tags: ["telegram"],
  summary: "Which roa2web user a Telegram account is linked to (for a bot outside the process)",
  body: Type.Object(
    { telegram_user_id: Type.Integer({ minimum: 1 }) },
    { additionalProperties: false },
  ),
  response: {
    200: Type.Object({
      linked: Type.Boolean(),
      user: Type.Object({
        id: Type.Optional(Type.Integer()),
        username: Type.Optional(Type.String()),
        display_name: Type.Optional(Type.String()),
      }),
      permissions: Type.Array(Type.String()),
      companies: Type.Union(
        [Type.Array(Type.Integer()), Type.Unsafe<"*">({ type: "string", enum: ["*"] })],
        { description: 'The company ids the user may see, or "*" for every company' },
      ),
      current_company_id: Type.Optional(nullableInteger),
      linked_at: Type.Optional(Type.String()),
    }),
    ...errorResponses(401, 403),
  },
};
