/**
 * Events between plugins. Delivery is asynchronous and isolated: a handler that
 * throws or rejects is logged with its plugin's name and never reaches the emitter.
 */
import type { EventBus, EventName, EventPayload } from "@roa2web/plugin-sdk";

type Handler = (payload: unknown) => void | Promise<void>;

interface Subscription {
  subscriber: string;
  handler: Handler;
}

interface Logger {
  error(object: object, message?: string): void;
}

export class EventHub {
  private readonly subscriptions = new Map<string, Set<Subscription>>();

  constructor(private readonly logger: Logger) {}

  subscribe(subscriber: string, event: string, handler: Handler): () => void {
    const subscription = { subscriber, handler };
    let set = this.subscriptions.get(event);
    if (!set) {
      set = new Set();
      this.subscriptions.set(event, set);
    }
    set.add(subscription);
    return () => {
      set.delete(subscription);
    };
  }

  emit(source: string, event: string, payload: unknown): void {
    const set = this.subscriptions.get(event);
    if (!set) return;
    for (const { subscriber, handler } of [...set]) {
      queueMicrotask(() => {
        Promise.resolve()
          .then(() => handler(payload))
          .catch((error: unknown) =>
            this.logger.error({ err: error, event, source, subscriber }, "An event handler failed"),
          );
      });
    }
  }

  /** The bus handed to one plugin instance; `dispose()` drops its subscriptions. */
  scoped(name: string): EventBus & { dispose(): void } {
    const unsubscribers = new Set<() => void>();
    return {
      on: <K extends EventName>(
        event: K,
        handler: (payload: EventPayload<K>) => void | Promise<void>,
      ) => {
        const unsubscribe = this.subscribe(name, event, handler as Handler);
        unsubscribers.add(unsubscribe);
        return () => {
          unsubscribe();
          unsubscribers.delete(unsubscribe);
        };
      },
      emit: (event, payload) => this.emit(name, event, payload),
      dispose: () => {
        for (const unsubscribe of unsubscribers) unsubscribe();
        unsubscribers.clear();
      },
    };
  }
}
