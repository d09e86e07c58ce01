import type { Permission } from "./permissions.js";

/**
 * The static manifest, read from the plugin package's package.json (`roa2web` key)
 * together with its `version`. Checked before any plugin code is imported.
 */
export interface PluginManifest {
  /** Lower-case words joined by dashes: `data-entry`. Also the env switch `MODULE_DATA_ENTRY_ENABLED`. */
  name: string;
  /** Shown in the shell's navigation. */
  displayName?: string;
  description?: string;
  /** Module that default-exports `definePlugin(...)`, relative to the package. */
  entry: string;
  /** Semver range of kernel versions this plugin supports: `^0.1.0`. */
  kernel: string;
  /** URL prefix of the plugin's routes: `/api/<name>`. */
  prefix: string;
  /** Permissions the plugin defines, with a human description each. */
  permissions: Partial<Record<Permission, string>>;
  /** The web component the shell mounts. Its tag must start with `<name>-`. */
  ui?: {
    tag: string;
    /** Built ES module that defines the tag, relative to the package. */
    module: string;
    /** The navigation label per language (`{ "ro": "Rapoarte", "en": "Reports" }`); `displayName` otherwise. */
    titles?: Record<string, string>;
    /** The home page's line about the plugin per language; `description` otherwise. */
    descriptions?: Record<string, string>;
    /**
     * One of `permissions`: the page is for users holding it, and the shell lists it
     * in the menu only for them (the routes still check their own permissions).
     */
    permission?: Permission;
  };
  /**
   * Services this plugin provides, each `<name>.*`, with the version of the contract it
   * implements: `{ "reports.queries": "1.0.0" }` (ADR 0015).
   */
  provides?: Record<string, string>;
  /** Other plugins' services it uses, with the contract range it was built against: `{ "reports.queries": "^1.0.0" }`. */
  consumes?: Record<string, string>;
  /** Events it emits, each `<name>.*`. */
  emits?: string[];
  /** Events of other plugins (or the kernel) it subscribes to. */
  subscribes?: string[];
  /** Whether the plugin starts when MODULE_<NAME>_ENABLED is not set (default true). */
  enabledByDefault?: boolean;
  /**
   * npm packages with native code (a `.node` addon) the plugin depends on. `roa2web plugin
   * pack` refuses native code that is not named here, and ships what is (ADR 0023).
   */
  native?: string[];
  /**
   * npm packages shipped as installed instead of bundled, because they read their own
   * files at run time (fonts, WebAssembly, worker scripts, `require.resolve`).
   */
  unbundled?: string[];
}

/** The manifest with what the kernel learnt while discovering the package. */
export interface ResolvedPluginManifest extends PluginManifest {
  version: string;
  packageName: string;
  /** Absolute folder of the package. */
  root: string;
}

/** Turns a plugin name into its env namespace: `data-entry` → `DATA_ENTRY`. */
export function envNamespace(pluginName: string): string {
  return pluginName.toUpperCase().replace(/-/g, "_");
}
