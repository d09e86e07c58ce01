/**
 * Named services that running plugins provide to each other. Looked up at call
 * time, so a consumer never holds a stale reference to a stopped provider.
 */
import { type ServiceOf, type ServiceRegistry, ServiceUnavailableError } from "@roa2web/plugin-sdk";

interface Provision {
  provider: string;
  implementation: unknown;
}

export class ServiceDirectory {
  private readonly services = new Map<string, Provision>();

  provide(provider: string, name: string, implementation: unknown): void {
    const existing = this.services.get(name);
    if (existing && existing.provider !== provider) {
      throw new Error(`Service "${name}" is already provided by plugin "${existing.provider}"`);
    }
    this.services.set(name, { provider, implementation });
  }

  withdraw(provider: string, name: string, implementation: unknown): void {
    const existing = this.services.get(name);
    // A reload's new instance may already have replaced the old one's service.
    if (existing?.provider === provider && existing.implementation === implementation)
      this.services.delete(name);
  }

  get(name: string): unknown {
    return this.services.get(name)?.implementation;
  }

  providerOf(name: string): string | undefined {
    return this.services.get(name)?.provider;
  }

  list(): Array<{ name: string; provider: string }> {
    return [...this.services].map(([name, { provider }]) => ({ name, provider }));
  }

  /** The registry handed to one plugin instance; `dispose()` withdraws what it provided. */
  scoped(provider: string): ServiceRegistry & { dispose(): void } {
    const provided = new Map<string, unknown>();
    return {
      provide: (name, implementation) => {
        this.provide(provider, name, implementation);
        provided.set(name, implementation);
      },
      get: <K extends string>(name: K) => this.get(name) as ServiceOf<K> | undefined,
      require: <K extends string>(name: K) => {
        const implementation = this.get(name);
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
