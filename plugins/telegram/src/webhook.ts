/** Webhook pieces that need no bot: the secret-token check. */
import { createHash, timingSafeEqual } from "node:crypto";

export const SECRET_HEADER = "x-telegram-bot-api-secret-token";

/**
 * Whether the header Telegram sent equals the configured secret, in constant time:
 * both sides are hashed first so neither their content nor their length leaks
 * through how long the comparison takes.
 */
export function secretMatches(expected: string, presented: string | undefined): boolean {
  if (presented === undefined) return false;
  const digest = (value: string) => createHash("sha256").update(value, "utf8").digest();
  return timingSafeEqual(digest(expected), digest(presented));
}
