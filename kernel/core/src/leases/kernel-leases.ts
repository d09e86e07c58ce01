/**
 * The kernel's lease service: "exactly one of the kernels sharing this data does X"
 * (ADR 0026). Each `run` is a small loop: try to take the lease every `retryMs`; once
 * taken, run the work and renew every `renewMs`; stop the work (abort its signal) when
 * a renewal finds the lease taken by another kernel, or when the lease would lapse
 * before it could be renewed (so two holders never overlap past the expiry); release it
 * when the work ends or the run stops, so a standby kernel takes it within `retryMs`.
 * A holder that dies without releasing is replaced once its lease lapses (`ttlMs`).
 */
import { randomUUID } from "node:crypto";
import os from "node:os";
import type {
  HealthStatus,
  LeasedWork,
  LeaseHolder,
  LeaseService,
  Logger,
} from "@roa2web/plugin-sdk";
import type { LeaseRecord, LeaseStore } from "./lease-store.js";

export interface LeaseTiming {
  /** How long a lease lasts without renewal: a dead holder's lease is taken after this. */
  ttlMs: number;
  /** How often the holder renews (well under `ttlMs`). */
  renewMs: number;
  /** How often a standby kernel tries to take a lease. */
  retryMs: number;
}

export const DEFAULT_LEASE_TIMING: LeaseTiming = { ttlMs: 5000, renewMs: 1500, retryMs: 500 };

/** Lease names (after the plugin's prefix): words of lower-case letters, digits and dashes. */
const NAME = /^[a-z][a-z0-9-]*(\.[a-z][a-z0-9-]*)*$/;

/** This process, as lease rows name it: `host:pid:boot` (boot tells apart a reused pid). */
export function kernelHolderId(): string {
  return `${os.hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
}

/** Waits `ms`, or less when `signal` aborts. */
function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener("abort", done, { once: true });
  });
}

class LeaseRun implements LeasedWork {
  /** This run, as the lease row names its holder: the kernel's id and the run's number. */
  readonly holderId: string;
  #held = false;
  #last: LeaseRecord | undefined;
  /** Stops the work under the lease now (set while it is held). */
  #giveUp: (() => void) | undefined;
  readonly #stopped = new AbortController();
  readonly #loop: Promise<void>;

  constructor(
    readonly name: string,
    private readonly work: (signal: AbortSignal) => Promise<void>,
    private readonly owner: KernelLeases,
    private readonly logger: Logger,
    sequence: number,
  ) {
    this.holderId = `${owner.holderId}#${sequence}`;
    this.#loop = this.#main();
  }

  get held(): boolean {
    return this.#held;
  }

  holder(): LeaseHolder | undefined {
    const last = this.#last;
    if (last === undefined || last.holder === "" || last.expiresAtMs <= Date.now())
      return undefined;
    return this.owner.describe(last);
  }

  async stop(): Promise<void> {
    this.#stopped.abort();
    await this.#loop;
  }

  /** The store is unreachable: stop the work now rather than when the lease would lapse. */
  giveUp(): void {
    this.#giveUp?.();
  }

  async #main(): Promise<void> {
    const { store, timing } = this.owner;
    const { holderId } = this;
    const stopped = this.#stopped.signal;
    let waitingLogged = false;
    let failing = false;
    while (!stopped.aborted) {
      let record: LeaseRecord;
      try {
        record = await store.acquire(this.name, holderId, timing.ttlMs, Date.now());
      } catch (error) {
        // Once per outage, not every retry (a lost Redis would log twice a second).
        if (!failing) {
          this.logger.warn(
            { err: error, lease: this.name },
            "Could not read a lease; trying again",
          );
        }
        failing = true;
        await pause(timing.retryMs, stopped);
        continue;
      }
      if (failing) this.logger.info({ lease: this.name }, "The lease store answers again");
      failing = false;
      this.#last = record;
      if (record.holder !== holderId) {
        if (!waitingLogged) {
          this.logger.info(
            { lease: this.name, holder: record.holder },
            "Lease held by another kernel: standing by",
          );
          waitingLogged = true;
        }
        await pause(timing.retryMs, stopped);
        continue;
      }
      if (stopped.aborted) break; // taken just as the run stopped: released below
      waitingLogged = false;
      await this.#hold(record);
      await store.release(this.name, holderId).catch((error: unknown) => {
        this.logger.warn({ err: error, lease: this.name }, "Could not release a lease");
      });
      // Released: not ours any more (but keep what a renewal saw when another took it).
      if (this.#last?.holder === holderId) this.#last = undefined;
      if (!stopped.aborted) await pause(timing.retryMs, stopped);
    }
    // A stop may come while the lease was just taken: make sure it is not left held.
    await store.release(this.name, holderId).catch(() => undefined);
  }

  /** Runs the work while the lease is renewed; returns once the work has ended. */
  async #hold(taken: LeaseRecord): Promise<void> {
    const { store, timing } = this.owner;
    const { holderId } = this;
    const lost = new AbortController();
    const stopWork = () => lost.abort();
    this.#stopped.signal.addEventListener("abort", stopWork, { once: true });
    // Self-fencing: the work stops before the lease lapses if renewals keep failing.
    let lapse: NodeJS.Timeout | undefined;
    const fence = (record: LeaseRecord) => {
      clearTimeout(lapse);
      lapse = setTimeout(stopWork, Math.max(0, record.expiresAtMs - Date.now() - timing.retryMs));
    };
    fence(taken);
    this.#giveUp = () => {
      if (lost.signal.aborted) return;
      this.logger.warn(
        { lease: this.name },
        "The lease store is unreachable: stopping the work (better none than two)",
      );
      stopWork();
    };
    this.#held = true;
    this.logger.info({ lease: this.name, holder: holderId }, "Lease taken: this kernel runs it");
    const working = Promise.resolve()
      .then(() => this.work(lost.signal))
      .catch((error: unknown) => {
        this.logger.error({ err: error, lease: this.name }, "The work under a lease failed");
      })
      .finally(stopWork);
    const renewing = (async () => {
      while (!lost.signal.aborted) {
        await pause(timing.renewMs, lost.signal);
        if (lost.signal.aborted) return;
        try {
          const record = await store.acquire(this.name, holderId, timing.ttlMs, Date.now());
          this.#last = record;
          if (record.holder !== holderId) {
            this.logger.warn(
              { lease: this.name, holder: record.holder },
              "Lease lost to another kernel: stopping the work",
            );
            lost.abort();
            return;
          }
          fence(record);
        } catch (error) {
          this.logger.warn({ err: error, lease: this.name }, "Could not renew a lease");
        }
      }
    })();
    await Promise.all([working, renewing]);
    clearTimeout(lapse);
    this.#giveUp = undefined;
    this.#stopped.signal.removeEventListener("abort", stopWork);
    this.#held = false;
    this.logger.info({ lease: this.name }, "Lease work ended: releasing the lease");
  }
}

export class KernelLeases {
  readonly #runs = new Set<LeaseRun>();
  #sequence = 0;

  constructor(
    readonly store: LeaseStore,
    private readonly logger: Logger,
    readonly timing: LeaseTiming = DEFAULT_LEASE_TIMING,
    /** This kernel, as lease rows name it. */
    readonly holderId: string = kernelHolderId(),
  ) {}

  /** Runs `work` while this kernel holds the lease `name` (see LeaseService.run). */
  run(
    name: string,
    work: (signal: AbortSignal) => Promise<void>,
    logger = this.logger,
  ): LeasedWork {
    if (!NAME.test(name)) {
      throw new Error(
        `Lease name "${name}" must be lower-case words (letters, digits, dashes) joined by dots`,
      );
    }
    // Two runs of one name in this kernel (a plugin reloading: old and new instance) are
    // two holders like any others: the new one waits until the old one released it.
    this.#sequence += 1;
    const run = new LeaseRun(name, work, this, logger, this.#sequence);
    this.#runs.add(run);
    const stop = run.stop.bind(run);
    run.stop = async () => {
      await stop();
      this.#runs.delete(run);
    };
    return run;
  }

  /**
   * `coreServices.leases` for one plugin instance: names get the plugin's prefix, and
   * `stop()` stops and releases every lease the instance ran (the instance's release).
   */
  scoped(plugin: string, logger: Logger): LeaseService & { stop(): Promise<void> } {
    const runs: LeasedWork[] = [];
    return {
      run: (name, work) => {
        const run = this.run(`${plugin}.${name}`, work, logger);
        runs.push(run);
        return run;
      },
      stop: async () => {
        await Promise.all(runs.splice(0).map((run) => run.stop()));
      },
    };
  }

  describe(record: LeaseRecord): LeaseHolder {
    return {
      id: record.holder,
      mine: record.holder.startsWith(`${this.holderId}#`),
      since: new Date(record.acquiredAtMs).toISOString(),
      expiresAt: new Date(record.expiresAtMs).toISOString(),
    };
  }

  /** What `/health` shows: this kernel's id and every live lease with its holder. */
  async health(): Promise<HealthStatus> {
    const now = Date.now();
    const leases: Record<string, unknown> = {};
    for (const record of await this.store.list()) {
      if (record.expiresAtMs <= now) continue;
      const holder = this.describe(record);
      leases[record.name] = {
        holder: holder.id,
        this_kernel: holder.mine,
        since: holder.since,
        expires_at: holder.expiresAt,
      };
    }
    return { status: "up", data: { kernel: this.holderId, leases } };
  }

  /**
   * The store cannot be reached (Redis lost): every lease this kernel holds stops its
   * work at once. It cannot be renewed, and a store that comes back empty would let
   * another kernel take it while this one still worked. Each run keeps trying to take
   * its lease again.
   */
  giveUpAll(): void {
    for (const run of this.#runs) run.giveUp();
  }

  /** Stops every run and releases its lease (the kernel's stop, after the plugins'). */
  async stopAll(): Promise<void> {
    await Promise.all([...this.#runs].map((run) => run.stop()));
  }
}
