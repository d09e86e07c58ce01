/**
 * Events between plugins. Delivery is asynchronous and isolated: a handler that
 * throws or rejects is logged with its plugin's name and never reaches the emitter.
 */
import type { EventMeta, EventRef, PluginEvents } from "@roa2web/plugin-sdk";

type Handler = (payload: unknown, meta: EventMeta) => void | Promise<void>;

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
    const meta: EventMeta = Object.freeze({ sender: source, event, emittedAt: new Date() });
    for (const { subscriber, handler } of [...set]) {
      queueMicrotask(() => {
        Promise.resolve()
          .then(() => handler(payload, meta))
          .catch((error: unknown) =>
            this.logger.error({ err: error, event, source, subscriber }, "An event handler failed"),
          );
      });
    }
  }

  /** Which events have subscribers now, and who (for the admin API and warnings). */
  subscribers(event: string): string[] {
    return [...(this.subscriptions.get(event) ?? [])].map(({ subscriber }) => subscriber);
  }

  /**
   * The events of one plugin instance, limited to what its manifest
   * declares (`emits`, `subscribes`); `dispose()` drops its subscriptions.
   */
  declared(
    name: string,
    declaration: { emits: readonly string[]; subscribes: readonly string[] },
  ): PluginEvents & { dispose(): void } {
    const unsubscribers = new Set<() => void>();
    const emits = new Set(declaration.emits);
    const subscribes = new Set(declaration.subscribes);
    return {
      on: <P>(ref: EventRef<P>, handler: (payload: P, meta: EventMeta) => void | Promise<void>) => {
        if (!subscribes.has(ref.id)) {
          throw new Error(
            `Plugin "${name}" subscribes to "${ref.id}", which its manifest does not list in roa2web.subscribes`,
          );
        }
        const unsubscribe = this.subscribe(name, ref.id, handler as Handler);
        unsubscribers.add(unsubscribe);
        return () => {
          unsubscribe();
          unsubscribers.delete(unsubscribe);
        };
      },
      emit: <P>(ref: EventRef<P>, payload: P) => {
        if (!emits.has(ref.id)) {
          throw new Error(
            `Plugin "${name}" emits "${ref.id}", which its manifest does not list in roa2web.emits`,
          );
        }
        this.emit(name, ref.id, payload);
      },
      dispose: () => {
        for (const unsubscribe of unsubscribers) unsubscribe();
        unsubscribers.clear();
      },
    };
  }
}
