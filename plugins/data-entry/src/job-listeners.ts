/**
 * The listeners of OCR jobs, by job id: what a server-sent event stream attaches to a
 * job it follows. Shared by the in-memory jobs and the BullMQ queue (ADR 0032), so both
 * forget an id once its last listener leaves and both survive a listener that throws.
 */
export class JobListeners<Value> {
  readonly #byId = new Map<string, Set<(value: Value) => void>>();

  /** Adds `listener` to the job; returns the function that removes it. */
  add(id: string, listener: (value: Value) => void): () => void {
    let listeners = this.#byId.get(id);
    if (!listeners) {
      listeners = new Set();
      this.#byId.set(id, listeners);
    }
    listeners.add(listener);
    return () => {
      const current = this.#byId.get(id);
      current?.delete(listener);
      if (current?.size === 0) this.#byId.delete(id);
    };
  }

  has(id: string): boolean {
    return this.#byId.has(id);
  }

  /** Listeners still attached to a job (or to every job): what a leak test looks at. */
  count(id?: string): number {
    if (id !== undefined) return this.#byId.get(id)?.size ?? 0;
    let count = 0;
    for (const listeners of this.#byId.values()) count += listeners.size;
    return count;
  }

  /** Calls each listener of the job; one that throws (a closed socket) stops no other. */
  tell(id: string, value: Value): void {
    for (const listener of this.#byId.get(id) ?? []) {
      try {
        listener(value);
      } catch {
        // Nothing to do: the stream behind it is gone and unsubscribes itself.
      }
    }
  }

  /** Forgets the job's listeners (it ended: nothing more to tell). */
  forget(id: string): void {
    this.#byId.delete(id);
  }
}
