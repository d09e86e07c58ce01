/**
 * LatestRequest: a Lit reactive controller that keeps one report request per page.
 * A new request (the company, period or a filter changed) aborts the one still
 * running, so a slow answer for the previous company never overwrites the current
 * one. The last answer stays shown (dimmed by the page) while the next one loads.
 * No shell imports: tested in Node.
 */

/** What the controller needs from its host (a LitElement is one). */
export interface RequestHost {
  addController(controller: { hostDisconnected?(): void }): void;
  requestUpdate(): void;
}

export class LatestRequest<T> {
  /** The last answer received (kept while a newer one loads). */
  value: T | undefined;
  /** The last failure, cleared by the next success. */
  error: unknown;
  loading = false;

  readonly #host: RequestHost;
  #controller: AbortController | undefined;
  #key: string | undefined;
  #load: ((signal: AbortSignal) => Promise<T>) | undefined;

  constructor(host: RequestHost) {
    this.#host = host;
    host.addController(this);
  }

  /**
   * Loads unless `key` (what the request depends on) is the same as the running or
   * last completed request's. Resolves when this request settles or is superseded.
   */
  run(key: string, load: (signal: AbortSignal) => Promise<T>): Promise<void> {
    if (key === this.#key) return Promise.resolve();
    this.#key = key;
    this.#load = load;
    return this.#start();
  }

  /** Loads again with the last key (the retry button, a refresh). */
  retry(): Promise<void> {
    return this.#load ? this.#start() : Promise.resolve();
  }

  /** Forgets the key, so the next `run` loads even with the same one. */
  reset(): void {
    this.#controller?.abort();
    this.#controller = undefined;
    this.#key = undefined;
    this.loading = false;
  }

  hostDisconnected(): void {
    this.reset();
  }

  async #start(): Promise<void> {
    const load = this.#load;
    if (!load) return;
    this.#controller?.abort();
    const controller = new AbortController();
    this.#controller = controller;
    this.loading = true;
    this.#host.requestUpdate();
    try {
      const value = await load(controller.signal);
      if (controller.signal.aborted) return;
      this.value = value;
      this.error = undefined;
    } catch (error) {
      if (controller.signal.aborted) return;
      this.error = error;
    } finally {
      if (this.#controller === controller) {
        this.#controller = undefined;
        this.loading = false;
        this.#host.requestUpdate();
      }
    }
  }
}
