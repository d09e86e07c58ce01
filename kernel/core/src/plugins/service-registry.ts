/**
 * Named services that running plugins provide to each other. Looked up at call
 * time, so a consumer never holds a stale reference to a stopped provider.
 *
 * Contract v2 (ADR 0015): a provider registers a factory `(caller) => implementation`
 * with the version of the contract it implements; a consumer holds a handle that
 * builds the caller (`via` = the consumer, which it cannot forge) and refuses a provider
 * outside the range the consumer declared.
 */
import {
  type AuthUser,
  type Caller,
  RoaError,
  type ServiceFactory,
  type ServiceHandle,
  type ServiceOf,
  type ServiceRef,
  type ServiceRegistry,
  ServiceUnavailableError,
} from "@roa2web/plugin-sdk";
import semver from "semver";

interface Provision {
  provider: string;
  /** The contract version (v2 providers); undefined for a v1 plain implementation. */
  version: string | undefined;
  implementation: unknown;
  /** A v2 provider's factory, called with the caller for every use. */
  factory: ServiceFactory<unknown> | undefined;
}

export class ServiceDirectory {
  private readonly services = new Map<string, Provision>();

  provide(provider: string, name: string, implementation: unknown): void {
    this.add(name, { provider, version: undefined, implementation, factory: undefined });
  }

  /** A contract v2 provision: `factory(caller)` per use, `version` checked against consumers' ranges. */
  provideFactory(
    provider: string,
    name: string,
    version: string,
    factory: ServiceFactory<unknown>,
  ): void {
    this.add(name, { provider, version, implementation: factory, factory });
  }

  private add(name: string, provision: Provision): void {
    const existing = this.services.get(name);
    if (existing && existing.provider !== provision.provider) {
      throw new Error(`Service "${name}" is already provided by plugin "${existing.provider}"`);
    }
    this.services.set(name, provision);
  }

  withdraw(provider: string, name: string, implementation: unknown): void {
    const existing = this.services.get(name);
    // A reload's new instance may already have replaced the old one's service.
    if (existing?.provider === provider && existing.implementation === implementation)
      this.services.delete(name);
  }

  /** A v1 lookup: a v2 provision is made for the consumer acting as itself. */
  get(name: string, consumer = "kernel"): unknown {
    const provision = this.services.get(name);
    if (!provision) return undefined;
    if (!provision.factory) return provision.implementation;
    return provision.factory(
      Object.freeze({ kind: "system", reason: "contract v1 consumer", via: consumer }),
    );
  }

  providerOf(name: string): string | undefined {
    return this.services.get(name)?.provider;
  }

  /** The contract version the current provider implements (v2 providers only). */
  versionOf(name: string): string | undefined {
    return this.services.get(name)?.version;
  }

  list(): Array<{ name: string; provider: string; version: string | undefined }> {
    return [...this.services].map(([name, { provider, version }]) => ({
      name,
      provider,
      version,
    }));
  }

  /**
   * What a consumer's `deps` entry resolves to: the provider is looked up at every call,
   * so reloads and disables of the provider never leave the consumer holding a stale one.
   */
  handle<T>(consumer: string, ref: ServiceRef<T, "plugin">, range: string): ServiceHandle<T> {
    const { id } = ref;
    const current = (): Provision => {
      const provision = this.services.get(id);
      if (!provision) {
        throw new ServiceUnavailableError(
          `The "${id}" service is not available: the plugin that provides it is not running`,
          { details: { service: id } },
        );
      }
      if (provision.version !== undefined && !semver.satisfies(provision.version, range)) {
        throw new RoaError(
          "SERVICE_VERSION_MISMATCH",
          503,
          `The "${id}" service is version ${provision.version} (from plugin "${provision.provider}"), but plugin "${consumer}" needs ${range}`,
          {
            details: { service: id, provided: provision.version, required: range, consumer },
          },
        );
      }
      return provision;
    };
    const make = (caller: Caller): T => {
      const provision = current();
      return (provision.factory ? provision.factory(caller) : provision.implementation) as T;
    };
    return Object.freeze({
      id,
      for: (user: AuthUser) => make(Object.freeze({ kind: "user", user, via: consumer })),
      asSystem: (reason: string) => make(Object.freeze({ kind: "system", reason, via: consumer })),
      available: () => {
        try {
          current();
          return true;
        } catch {
          return false;
        }
      },
    });
  }

  /** The registry handed to one v1 plugin instance; `dispose()` withdraws what it provided. */
  scoped(provider: string): ServiceRegistry & { dispose(): void } {
    const provided = new Map<string, unknown>();
    return {
      provide: (name, implementation) => {
        this.provide(provider, name, implementation);
        provided.set(name, implementation);
      },
      get: <K extends string>(name: K) => this.get(name, provider) as ServiceOf<K> | undefined,
      require: <K extends string>(name: K) => {
        const implementation = this.get(name, provider);
        if (implementation === undefined) {
          throw new ServiceUnavailableError(
            `The "${name}" service is not available: the plugin that provides it is not running`,
            {
              details: { service: name },
            },
          );
        }
        return implementation as ServiceOf<K>;
      },
      providerOf: (name) => this.providerOf(name),
      dispose: () => {
        for (const [name, implementation] of provided)
          this.withdraw(provider, name, implementation);
        provided.clear();
      },
    };
  }
}
