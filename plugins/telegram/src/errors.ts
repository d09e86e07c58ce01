/** The Telegram plugin's own errors (the SDK catalogue covers the rest). */
import { RoaError } from "@roa2web/plugin-sdk";

/**
 * A link code asked for while no bot runs (TELEGRAM_BOT_TOKEN unset): a code would name
 * a bot that does not exist, so none is made. 409, not 503: nothing is down or
 * overloaded, and retrying changes nothing; the server's configuration conflicts with
 * the request until an administrator sets the token and restarts or reloads.
 */
export class BotNotConfiguredError extends RoaError {
  static readonly code = "TELEGRAM_NOT_CONFIGURED";

  constructor() {
    super(
      BotNotConfiguredError.code,
      409,
      "The Telegram bot is not configured: an administrator sets TELEGRAM_BOT_TOKEN and restarts roa2web (or reloads the telegram plugin)",
      { details: { setting: "TELEGRAM_BOT_TOKEN" } },
    );
  }
}
