/**
 * Lets a new version of a plugin's UI define its custom elements again in a page that
 * already runs the old one. A browser never forgets a defined tag (`define` of a known
 * tag throws), so the shell registers, for each plugin tag, a thin class that extends
 * the plugin's class, and on a later `define` of the same tag re-points that class at
 * the new implementation (its prototype chain): elements created from then on are the
 * new version's, constructor and all. The shell re-creates the plugin's page right after,
 * so old and new code never share a screen. Plugin code does not change: it calls
 * `customElements.define` as ever, and its `if (!customElements.get(tag))` guard is
 * told "not defined" for a tag that an older version of its plugin defined (a plugin's
 * tags start with its name; the shell says which version of each plugin it loads, with
 * `loadingVersion`) — also in chunks the new version loads later, on navigation.
 *
 * The shell's own elements (`roa-*`) and customised built-ins are left to the browser.
 */

type ElementClass = CustomElementConstructor & {
  finalize?: () => void;
};

interface LifecycleCallbacks {
  connectedCallback?(): void;
  disconnectedCallback?(): void;
  adoptedCallback?(): void;
  attributeChangedCallback?(name: string, old: string | null, value: string | null): void;
}

const nativeDefine = CustomElementRegistry.prototype.define;
const nativeGet = CustomElementRegistry.prototype.get;

/** The stable class the browser knows for each plugin tag, and the version that defined it. */
const stable = new Map<string, { Stable: ElementClass; version: string | undefined }>();
/** The version of each plugin's UI the shell loads now. */
const versions = new Map<string, string>();

function isPluginTag(tag: string, options?: ElementDefinitionOptions): boolean {
  return !tag.startsWith("roa-") && options?.extends === undefined;
}

/** The version the tag's plugin is at now (the longest plugin name the tag starts with). */
function versionFor(tag: string): string | undefined {
  let best: string | undefined;
  let version: string | undefined;
  for (const [name, current] of versions) {
    if (tag.startsWith(`${name}-`) && (best === undefined || name.length > best.length)) {
      best = name;
      version = current;
    }
  }
  return version;
}

/**
 * The class the browser registers for a plugin tag. Its lifecycle callbacks are read
 * once, when it is defined: they pass on to whatever implementation is current. Lit's
 * static bookkeeping (properties, styles, the attribute map) is kept on the
 * implementation, not here, so it follows a swap too.
 */
function stableClass(implementation: ElementClass): ElementClass {
  const Base = implementation as unknown as new () => HTMLElement & LifecycleCallbacks;
  const Stable = class extends Base {
    static finalize(): void {
      const current = Object.getPrototypeOf(Stable) as ElementClass;
      current.finalize?.call(current);
    }
    override connectedCallback(): void {
      super.connectedCallback?.();
    }
    override disconnectedCallback(): void {
      super.disconnectedCallback?.();
    }
    override adoptedCallback(): void {
      super.adoptedCallback?.();
    }
    override attributeChangedCallback(
      name: string,
      old: string | null,
      value: string | null,
    ): void {
      super.attributeChangedCallback?.(name, old, value);
    }
  };
  Object.defineProperty(Stable, "name", { value: implementation.name });
  return Stable as unknown as ElementClass;
}

function replace(Stable: ElementClass, implementation: ElementClass): void {
  Object.setPrototypeOf(Stable, implementation);
  Object.setPrototypeOf(Stable.prototype, implementation.prototype);
  // Lit reads a class's properties and styles when it is finalized: do it now, as
  // defining it would have.
  implementation.finalize?.call(implementation);
}

/** The implementation serving a plugin tag now (undefined: not defined). */
export function currentImplementation(tag: string): CustomElementConstructor | undefined {
  const known = stable.get(tag);
  if (known) return Object.getPrototypeOf(known.Stable) as CustomElementConstructor;
  return nativeGet.call(customElements, tag);
}

/**
 * The shell is about to load this version of the plugin's UI: from now on a tag its
 * older version defined counts as not defined for `customElements.get`, and the new
 * version's `define` replaces the implementation behind it.
 */
export function loadingVersion(pluginName: string, version: string): void {
  versions.set(pluginName, version);
}

let installed = false;

/** Installs the registry hooks; the shell's entry calls it before any plugin loads. */
export function installElementVersions(): void {
  if (installed) return;
  installed = true;
  customElements.define = function define(
    this: CustomElementRegistry,
    tag: string,
    implementation: CustomElementConstructor,
    options?: ElementDefinitionOptions,
  ): void {
    if (!isPluginTag(tag, options)) {
      nativeDefine.call(this, tag, implementation, options);
      return;
    }
    const version = versionFor(tag);
    const known = stable.get(tag);
    if (known) {
      if (Object.getPrototypeOf(known.Stable) !== implementation) {
        replace(known.Stable, implementation as ElementClass);
      }
      known.version = version;
      return;
    }
    const Stable = stableClass(implementation as ElementClass);
    nativeDefine.call(this, tag, Stable, options);
    stable.set(tag, { Stable, version });
  };
  customElements.get = function get(this: CustomElementRegistry, tag: string) {
    const known = stable.get(tag);
    if (known && known.version !== versionFor(tag)) return undefined;
    return nativeGet.call(this, tag);
  };
}
