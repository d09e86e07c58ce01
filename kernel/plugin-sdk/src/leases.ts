/**
 * "Exactly one kernel does this": leases shared by every kernel process over the same
 * data (two overlap for a few seconds during a hand-over; #18 runs several behind a load
 * balancer). A plugin names a lease and the work to run while it holds it; the kernel
 * takes, renews and releases the lease, and hands it to another kernel when its holder
 * stops or dies. What backs it (a table in the kernel database, a PostgreSQL advisory
 * lock, Redis) is the kernel's business: callers do not change.
 */

/** Who holds a lease, as last seen by this kernel. */
export interface LeaseHolder {
  /** The holding kernel and run: `host:pid:boot#run`. */
  readonly id: string;
  /** Whether it is this kernel. */
  readonly mine: boolean;
  /** When the holder took it (ISO 8601). */
  readonly since: string;
  /** When it lapses unless renewed (ISO 8601). */
  readonly expiresAt: string;
}

/** One lease being waited for or held by this plugin instance. */
export interface LeasedWork {
  /** The lease's full name: `<plugin>.<name>`. */
  readonly name: string;
  /** Whether this kernel holds it now (and the work runs). */
  readonly held: boolean;
  /** The holder as last seen (this kernel or another); undefined when nobody holds it. */
  holder(): LeaseHolder | undefined;
  /** Stops the work (its signal aborts), waits for it, and releases the lease. */
  stop(): Promise<void>;
}

/**
 * `coreServices.leases`, scoped to the plugin: names become `<plugin>.<name>`, and every
 * lease is stopped and released when the instance stops.
 */
export interface LeaseService {
  /**
   * Runs `work` on one kernel at a time. Until this kernel holds the lease it waits
   * (standby, trying again every fraction of a second). Once held, `work(signal)` runs;
   * `signal` aborts when the lease is lost (it could not be renewed before it lapsed),
   * stopped, or the plugin instance stops — `work` must then wind down and resolve.
   * When `work` settles, the lease is released and taken again (so the work runs again,
   * here or on another kernel) unless stopped.
   */
  run(name: string, work: (signal: AbortSignal) => Promise<void>): LeasedWork;
}
