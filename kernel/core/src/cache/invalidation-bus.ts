/**
 * Tells every kernel sharing an L2 store what was invalidated, so each drops those keys
 * from its own L1 (ADR 0029). A message says what to drop (a key or a prefix), never a
 * value; the kernel that sent it ignores its own echo. While the bus is down nobody can
 * know what they missed: when it is back, each kernel drops its whole L1.
 */
import { randomUUID } from "node:crypto";
import type { RedisConnection } from "../redis/redis-connection.js";

export interface Invalidation {
  kind: "key" | "prefix";
  target: string;
}

export interface InvalidationBus {
  /** Tells the other kernels; never throws (a lost message is covered by the drop on `resumed`). */
  publish(invalidation: Invalidation): Promise<void>;
  /** `invalidated`: another kernel's invalidation; `resumed`: the bus was down and is back. */
  listen(handlers: { invalidated(invalidation: Invalidation): void; resumed(): void }): void;
}

interface Message {
  /** The sending kernel. */
  o: string;
  k: Invalidation["kind"];
  t: string;
}

function parse(text: string): Message | undefined {
  try {
    const message = JSON.parse(text) as Partial<Message>;
    if (typeof message.o !== "string" || typeof message.t !== "string") return undefined;
    if (message.k !== "key" && message.k !== "prefix") return undefined;
    return message as Message;
  } catch {
    return undefined;
  }
}

export class RedisInvalidationBus implements InvalidationBus {
  readonly channel: string;
  /** This kernel on the channel: its own messages come back to it and are skipped. */
  readonly origin = randomUUID();

  constructor(private readonly connection: RedisConnection) {
    this.channel = `${connection.keyPrefix}cache-invalidations`;
  }

  async publish(invalidation: Invalidation): Promise<void> {
    const message: Message = { o: this.origin, k: invalidation.kind, t: invalidation.target };
    try {
      await this.connection.client.publish(this.channel, JSON.stringify(message));
    } catch {
      // Redis is away: every kernel drops its L1 when it is back (`resumed`).
    }
  }

  listen(handlers: { invalidated(invalidation: Invalidation): void; resumed(): void }): void {
    const { subscriber } = this.connection;
    subscriber.on("message", (channel: string, text: string) => {
      if (channel !== this.channel) return;
      const message = parse(text);
      if (message === undefined || message.o === this.origin) return;
      handlers.invalidated({ kind: message.k, target: message.t });
    });
    this.connection.on("back", () => handlers.resumed());
    // ioredis renews the subscription on every reconnect (autoResubscribe). A failure
    // here (Redis away at startup) is renewed the same way once it connects.
    subscriber.subscribe(this.channel).catch(() => undefined);
  }
}
