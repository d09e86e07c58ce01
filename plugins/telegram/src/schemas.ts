/** JSON schemas of the HTTP routes (kept as constants: `tags`/`summary` are not in the SDK's types). */
import { errorResponseSchema, errorResponses } from "@roa2web/plugin-sdk";

const notConfigured = {
  ...errorResponseSchema,
  description:
    "TELEGRAM_NOT_CONFIGURED: no bot runs (TELEGRAM_BOT_TOKEN unset), so no link code is made",
};

export const createCodeSchema = {
  tags: ["telegram"],
  summary: "Create a single-use code (8 characters, valid 10 minutes) to link a Telegram account",
  response: {
    201: {
      type: "object",
      required: ["code", "expires_at"],
      properties: { code: { type: "string" }, expires_at: { type: "string" } },
    },
    ...errorResponses(401, 403),
    409: notConfigured,
  },
};

export const linkStatusSchema = {
  tags: ["telegram"],
  summary: "Whether the caller has linked a Telegram account",
  response: {
    200: {
      type: "object",
      required: ["bot_configured", "linked", "links"],
      properties: {
        bot_configured: {
          type: "boolean",
          description: "false while TELEGRAM_BOT_TOKEN is unset: no bot to link to",
        },
        linked: { type: "boolean" },
        links: {
          type: "array",
          items: {
            type: "object",
            properties: {
              telegram_user_id: { type: "number" },
              current_company_id: { type: ["integer", "null"] },
              linked_at: { type: "string" },
            },
          },
        },
      },
    },
    ...errorResponses(401, 403),
  },
};

export const unlinkSchema = {
  tags: ["telegram"],
  summary: "Unlink every Telegram account of the caller",
  response: {
    200: {
      type: "object",
      required: ["removed"],
      properties: { removed: { type: "integer" } },
    },
    ...errorResponses(401, 403),
  },
};

export const webhookSchema = {
  tags: ["telegram"],
  summary:
    "Telegram posts bot updates here in webhook mode; X-Telegram-Bot-Api-Secret-Token must carry TELEGRAM_WEBHOOK_SECRET",
  body: {
    type: "object",
    required: ["update_id"],
    properties: { update_id: { type: "integer", minimum: 0 } },
    additionalProperties: true,
  },
  response: {
    200: {
      type: "object",
      required: ["ok"],
      properties: { ok: { type: "boolean" } },
    },
    ...errorResponses(401, 403, 404),
  },
};

export const verifyUserSchema = {
  tags: ["telegram"],
  summary: "Which roa2web user a Telegram account is linked to (for a bot outside the process)",
  body: {
    type: "object",
    required: ["telegram_user_id"],
    additionalProperties: false,
    properties: { telegram_user_id: { type: "integer", minimum: 1 } },
  },
  response: {
    200: {
      type: "object",
      required: ["linked", "user", "permissions", "companies"],
      properties: {
        linked: { type: "boolean" },
        user: {
          type: "object",
          properties: {
            id: { type: "integer" },
            username: { type: "string" },
            display_name: { type: "string" },
          },
        },
        permissions: { type: "array", items: { type: "string" } },
        companies: {
          description: 'The company ids the user may see, or "*" for every company',
          anyOf: [
            { type: "array", items: { type: "integer" } },
            { type: "string", enum: ["*"] },
          ],
        },
        current_company_id: { type: ["integer", "null"] },
        linked_at: { type: "string" },
      },
    },
    ...errorResponses(401, 403),
  },
};
