/** Webhook pieces that need no bot: the secret-token check and a memory of seen updates. */
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

/**
 * The last `capacity` update ids seen (insertion order, oldest evicted first).
 * Telegram redelivers an update whose answer it did not get; this keeps such a
 * retry from being handled twice.
 */
export class RecentUpdates {
  private readonly seen = new Set<number>();

  constructor(readonly capacity = 1000) {}

  /** Records the id; false when it was already seen. */
  add(updateId: number): boolean {
    if (this.seen.has(updateId)) return false;
    this.seen.add(updateId);
    if (this.seen.size > this.capacity) {
      const oldest = this.seen.values().next().value;
      if (oldest !== undefined) this.seen.delete(oldest);
    }
    return true;
  }

  get size(): number {
    return this.seen.size;
  }
}
