/**
 * Typed references to services and events (ADR 0015). A reference is made once, in
 * the provider's contract package (or by the SDK for the kernel's own services), and
 * named in `deps`, `provide`, `events.on` and `events.emit`: no string keys, no casts.
 */
import { type AuthUser, canSeeCompany } from "./auth.js";
import type { CacheService } from "./cache.js";
import type { ErpClient } from "./erp.js";
import { ForbiddenError } from "./errors.js";
import type { LeaseService } from "./leases.js";
import type { Logger } from "./logger.js";
import { hasPermission, type Permission } from "./permissions.js";
import type { RedisService } from "./redis.js";
import type { KernelUsersService } from "./services.js";
import type { PluginSettings } from "./settings.js";

const SERVICE_REF = Symbol.for("roa2web.service-ref");
const EVENT_REF = Symbol.for("roa2web.event-ref");

/** Service and event ids: lower-case words joined by dashes, in dot-separated parts. */
const ID = /^[a-z][a-z0-9]*(-[a-z0-9]+)*(\.[a-z][a-z0-9]*(-[a-z0-9]+)*)+$/;
/** A plain `major.minor.patch` version. */
const VERSION = /^\d+\.\d+\.\d+$/;

export type RefScope = "kernel" | "plugin";

export interface ServiceRef<T, S extends RefScope = RefScope> {
  readonly id: string;
  /** The contract's version, `major.minor.patch`; a breaking change is a new major. */
  readonly version: string;
  /** `kernel`: one of `coreServices`, resolved to the value; `plugin`: a `ServiceHandle`. */
  readonly scope: S;
  /** Never set: carries the type. */
  readonly T?: T;
}

export interface EventRef<P> {
  readonly id: string;
  readonly version: string;
  /** Never set: carries the payload type. */
  readonly P?: P;
}

function checkIdentity(kind: string, id: string, version: string): void {
  if (!ID.test(id)) {
    throw new Error(
      `${kind} id "${id}" must be "<plugin>.<name>" in lower-case words joined by dashes`,
    );
  }
  if (!VERSION.test(version)) {
    throw new Error(`${kind} "${id}" needs a version like "1.0.0", got "${version}"`);
  }
}

/** A reference to a service a plugin provides: `createServiceRef<ReportsQueries>({ id: "reports.queries", version: "1.0.0" })`. */
export function createServiceRef<T>(options: {
  id: string;
  version: string;
}): ServiceRef<T, "plugin"> {
  checkIdentity("Service", options.id, options.version);
  return Object.freeze({
    id: options.id,
    version: options.version,
    scope: "plugin" as const,
    [SERVICE_REF]: true,
  });
}

/** A reference to an event a plugin emits: `createEventRef<ReceiptDecision>({ id: "data-entry.receipt.approved", version: "1.0.0" })`. */
export function createEventRef<P>(options: { id: string; version: string }): EventRef<P> {
  checkIdentity("Event", options.id, options.version);
  return Object.freeze({ id: options.id, version: options.version, [EVENT_REF]: true });
}

export function isServiceRef(value: unknown): value is ServiceRef<unknown, RefScope> {
  return typeof value === "object" && value !== null && SERVICE_REF in value;
}

export function isEventRef(value: unknown): value is EventRef<unknown> {
  return typeof value === "object" && value !== null && EVENT_REF in value;
}

function coreRef<T>(name: string): ServiceRef<T, "kernel"> {
  return Object.freeze({
    id: `core.${name}`,
    version: "1.0.0",
    scope: "kernel" as const,
    [SERVICE_REF]: true,
  });
}

/**
 * What the kernel shares with plugins. Name the ones you need in `deps`; each arrives
 * scoped to your plugin (the logger tags lines with its name, the cache is namespaced,
 * the settings are your `<NAME>_*` variables).
 */
export const coreServices = Object.freeze({
  /** A child of the kernel's logger; every line carries `module: <name>`. */
  logger: coreRef<Logger>("logger"),
  /** Your `<NAME>_*` environment variables, re-read at every enable and reload. */
  settings: coreRef<PluginSettings>("settings"),
  /** The ERP's read model (demo SQLite or Oracle). */
  erp: coreRef<ErpClient>("erp"),
  /** The kernel's two-level cache, namespaced to your plugin. */
  cache: coreRef<CacheService>("cache"),
  /** A user's current grants (never passwords or tokens). */
  users: coreRef<KernelUsersService>("users"),
  /** "Exactly one kernel does this" across kernels sharing the data (a poller, a job). */
  leases: coreRef<LeaseService>("leases"),
  /** Where the kernel's Redis is (REDIS_URL), or null without one: for a queue of your own. */
  redis: coreRef<RedisService>("redis"),
});

/** What the kernel itself emits (subscribe with these; list their ids in `subscribes`). */
export const kernelEvents = Object.freeze({
  pluginEnabled: createEventRef<{ name: string; version: string }>({
    id: "kernel.plugin.enabled",
    version: "1.0.0",
  }),
  pluginDisabled: createEventRef<{ name: string; version: string }>({
    id: "kernel.plugin.disabled",
    version: "1.0.0",
  }),
});

/** Who a service call is made for. Built by the kernel, so a consumer cannot forge `via`. */
export type Caller =
  | {
      readonly kind: "user";
      /** The signed-in user the consumer acts for. */
      readonly user: AuthUser;
      /** The consuming plugin. */
      readonly via: string;
    }
  | {
      readonly kind: "system";
      /** Why the consumer acts on its own (shown in the provider's logs). */
      readonly reason: string;
      readonly via: string;
    };

/** What a provider registers: an implementation made for one caller. */
export type ServiceFactory<T> = (caller: Caller) => T;

/**
 * Another plugin's service, as a consumer holds it. The provider is looked up at call
 * time, so the handle survives the provider being reloaded, disabled or enabled again.
 */
export interface ServiceHandle<T> {
  readonly id: string;
  /** The service acting for a signed-in user; the provider checks that user's grants. */
  for(user: AuthUser): T;
  /** The service acting as the consuming plugin itself (a job, a notification). */
  asSystem(reason: string): T;
  /** Whether a compatible provider runs now. */
  available(): boolean;
}

/** The values `deps` resolve to: kernel services as themselves, plugin services as handles. */
export type ResolvedDeps<D> = {
  readonly [K in keyof D]: D[K] extends ServiceRef<infer T, "kernel">
    ? T
    : D[K] extends ServiceRef<infer T, "plugin">
      ? ServiceHandle<T>
      : never;
};

export type DependencyRefs = Record<string, ServiceRef<unknown, RefScope>>;

/** Who sent an event, as the kernel knows it. */
export interface EventMeta {
  /** The emitting plugin (or `kernel`). */
  readonly sender: string;
  readonly event: string;
  readonly emittedAt: Date;
}

/** Events of one plugin instance: only the ones its manifest declares. */
export interface PluginEvents {
  /** Subscribes while this instance runs (declared in `subscribes`); returns an unsubscribe function. */
  on<P>(
    ref: EventRef<P>,
    handler: (payload: P, meta: EventMeta) => void | Promise<void>,
  ): () => void;
  /** Delivers to every subscriber, asynchronously; a failing handler never reaches the emitter. */
  emit<P>(ref: EventRef<P>, payload: P): void;
}

/**
 * What a provider checks on every call: the user's permission and company grant, read
 * from the caller the kernel built. A system caller passes only where the provider says
 * so (`system: true`); a user caller always needs the grants (403 otherwise).
 */
export function assertCaller(
  caller: Caller,
  required: { permission?: Permission; company?: number; system?: boolean },
): void {
  if (caller.kind === "system") {
    if (required.system === true) return;
    throw new ForbiddenError(
      `Plugin "${caller.via}" may not use this service on its own; act for a signed-in user`,
      { details: { via: caller.via } },
    );
  }
  const { user } = caller;
  if (required.permission !== undefined && !hasPermission(user.permissions, required.permission)) {
    throw new ForbiddenError(`You need the ${required.permission} permission for this`, {
      details: { permission: required.permission, via: caller.via },
    });
  }
  if (required.company !== undefined && !canSeeCompany(user, required.company)) {
    throw new ForbiddenError(`You may not see company ${required.company}`, {
      details: { company: required.company, via: caller.via },
    });
  }
}
