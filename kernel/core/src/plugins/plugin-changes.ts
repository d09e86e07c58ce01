/**
 * Tells who listens that the set of running plugins changed (an install, upgrade,
 * reload, enable, disable, rescan): the kernel calls `changed()` each time it swaps in a
 * route generation. Kernel-lived, unlike a generation, so an open event stream
 * (`/api/kernel/plugins/events`) keeps hearing across swaps.
 */
export type PluginChangeListener = () => void;

export class PluginChanges {
  readonly #listeners = new Set<PluginChangeListener>();

  /** Returns the unsubscribe function. */
  subscribe(listener: PluginChangeListener): () => void {
    this.#listeners.add(listener);
    return () => {
      this.#listeners.delete(listener);
    };
  }

  /** A listener that throws is the listener's problem: the others still hear. */
  changed(): void {
    for (const listener of [...this.#listeners]) {
      try {
        listener();
      } catch {
        // a stream whose client went away mid-write: its close handler unsubscribes it
      }
    }
  }

  get listeners(): number {
    return this.#listeners.size;
  }
}
