/**
 * A plugin's own settings: the environment variables under its namespace
 * (`data-entry` reads `DATA_ENTRY_*`), with the prefix removed. Typed accessors
 * throw a ValidationError-like message naming the variable when a value is malformed.
 */
export interface PluginSettings {
  /** The namespace prefix, for messages: `DATA_ENTRY_`. */
  readonly prefix: string;
  /** Every variable of the namespace, prefix removed. */
  readonly values: Readonly<Record<string, string>>;
  string(key: string, fallback: string): string;
  optionalString(key: string): string | undefined;
  number(key: string, fallback: number): number;
  boolean(key: string, fallback: boolean): boolean;
}

/** Kernel facts a plugin may read. */
export interface KernelInfo {
  readonly version: string;
  readonly environment: "development" | "test" | "production";
}
