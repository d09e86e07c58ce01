/**
 * Named services that running plugins provide to each other. Looked up at call
 * time, so a consumer never holds a stale reference to a stopped provider.
 *
 * ADR 0015: a provider registers a factory `(caller) => implementation`
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
  type ServiceRef,
  ServiceUnavailableError,
} from "@roa2web/plugin-sdk";
import semver from "semver";

interface Provision {
  provider: string;
  /** The contract version the provider implements. */
  version: string;
  /** The provider's factory, called with the caller for every use. */
  factory: ServiceFactory<unknown>;
}

export class ServiceDirectory {
  private readonly services = new Map<string, Provision>();

  /** A provision: `factory(caller)` per use, `version` checked against consumers' ranges. */
  provideFactory(
    provider: string,
    name: string,
    version: string,
    factory: ServiceFactory<unknown>,
  ): void {
    this.add(name, { provider, version, factory });
  }

  private add(name: string, provision: Provision): void {
    const existing = this.services.get(name);
    if (existing && existing.provider !== provision.provider) {
      throw new Error(`Service "${name}" is already provided by plugin "${existing.provider}"`);
    }
    this.services.set(name, provision);
  }

  withdraw(provider: string, name: string, factory: unknown): void {
    const existing = this.services.get(name);
    // A reload's new instance may already have replaced the old one's service.
    if (existing?.provider === provider && existing.factory === factory) this.services.delete(name);
  }

  providerOf(name: string): string | undefined {
    return this.services.get(name)?.provider;
  }

  /** The contract version the current provider implements. */
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
      if (!semver.satisfies(provision.version, range)) {
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
    const make = (caller: Caller): T => current().factory(caller) as T;
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
}
