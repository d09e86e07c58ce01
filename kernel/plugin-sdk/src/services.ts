/**
 * Plugins talk through the kernel, never by import. A plugin *provides* named
 * services while it runs; others look them up at call time, so a consumer keeps
 * working (and can say why) while its provider is disabled or reloaded.
 *
 * Type the services you share by augmenting `ServiceMap`:
 *
 * ```ts
 * declare module "@roa2web/plugin-sdk" {
 *   interface ServiceMap { "reports.queries": ReportQueries }
 * }
 * ```
 */
/** What the kernel itself provides, under "kernel.users". */
export interface KernelUsersService {
  /**
   * A user's current grants, read from the kernel's store at call time: use it where
   * a copy taken earlier could be stale (a chat bot acting for a linked user).
   * Undefined for an unknown or disabled user.
   */
  grantsOf(
    userId: number,
  ): Promise<
    | { username: string; permissions: readonly string[]; companies: readonly number[] | "*" }
    | undefined
  >;
}

export interface ServiceMap {
  "kernel.users": KernelUsersService;
}

export type ServiceName = keyof ServiceMap extends never
  ? string
  : keyof ServiceMap | (string & {});
export type ServiceOf<K> = K extends keyof ServiceMap ? ServiceMap[K] : unknown;

export interface ServiceRegistry {
  /** Publishes a service under a name while this plugin runs; withdrawn when it stops. */
  provide<K extends string>(name: K, implementation: ServiceOf<K>): void;
  /** The current implementation, or undefined while no running plugin provides it. */
  get<K extends string>(name: K): ServiceOf<K> | undefined;
  /** Like get, but throws ServiceUnavailableError (503) naming the missing service. */
  require<K extends string>(name: K): ServiceOf<K>;
  /** Which plugin provides it now, if any. */
  providerOf(name: string): string | undefined;
}

/** Typed events between plugins: augment `EventMap` like `ServiceMap`. */
export interface EventMap {
  "plugin.enabled": { name: string; version: string };
  "plugin.disabled": { name: string; version: string };
}

export type EventName = keyof EventMap | (string & {});
export type EventPayload<K> = K extends keyof EventMap ? EventMap[K] : unknown;

export interface EventBus {
  /** Subscribes for as long as this plugin runs; returns an unsubscribe function. */
  on<K extends EventName>(
    event: K,
    handler: (payload: EventPayload<K>) => void | Promise<void>,
  ): () => void;
  /** Delivers to every subscriber; a failing handler is logged and never reaches the emitter. */
  emit<K extends EventName>(event: K, payload: EventPayload<K>): void;
}
