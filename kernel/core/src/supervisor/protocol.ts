/**
 * The IPC messages between the supervisor and its kernel processes (ADR 0025). Plain
 * JSON over the `fork` channel; the listening socket and migrated connections travel
 * as handles beside a message.
 */

/** What a hand-over is for, and what the new kernel must show before it is committed. */
export interface HandOverRequest {
  /** Why (logged by both processes): "SIGHUP", "reload of reports", "upgrade …". */
  reason: string;
  /** Commit only if this plugin is `enabled` in the new kernel (at this version, if given). */
  expect?: { plugin: string; version?: string };
}

/** A plugin as the new kernel reports it when ready (the admin API's view of it). */
export type ReportedPlugin = Record<string, unknown> & {
  name: string;
  state: string;
  version: string | null;
  failure?: { step?: string; message?: string } | null;
};

export type HandOverResult =
  | {
      ok: true;
      /** The new kernel's generation (1 for the first kernel the supervisor started). */
      generation: number;
      /** From the request to the new kernel accepting connections. */
      ms: number;
      /** The new kernel's plugins, as its admin API would show them. */
      plugins: ReportedPlugin[];
    }
  | { ok: false; reason: string };

/** Kernel process → supervisor. */
export type ChildMessage =
  | { type: "ready"; generation: number; pid: number; bootMs: number; plugins: ReportedPlugin[] }
  | { type: "serving"; port: number }
  | { type: "handover"; id: number; request: HandOverRequest }
  /** An idle keep-alive connection, handle attached, for the kernel now serving. */
  | { type: "connection" };

/** Supervisor → kernel process. */
export type SupervisorMessage =
  /** Start accepting on the attached listening socket. */
  | { type: "listen" }
  | { type: "handover-result"; id: number; result: HandOverResult }
  /** Replaced: stop accepting, pass idle connections on, finish requests, stop, exit 0. */
  | { type: "drain"; generation: number }
  /** Stop as on SIGTERM (a service stop, or a new kernel that is not committed). */
  | { type: "stop" }
  /** A connection another kernel passed on (handle attached). */
  | { type: "connection" };

/** Set in a kernel process's environment by the supervisor: its generation number. */
export const GENERATION_VARIABLE = "ROA2WEB_KERNEL_GENERATION";
/** `off`: run the kernel in this process, as before the supervisor existed. */
export const SUPERVISOR_VARIABLE = "ROA2WEB_SUPERVISOR";

/**
 * The supervisor as the kernel sees it (`supervisor` in the root container). Without a
 * supervisor (`ROA2WEB_SUPERVISOR=off`, the test kit) `supervised` is false and
 * `handOver` answers `{ ok: false }` at once.
 */
export interface KernelSupervisor {
  readonly supervised: boolean;
  /** This kernel process's generation (0 when not supervised). */
  readonly generation: number;
  /**
   * Starts a fresh kernel process beside this one and, once it is ready and shows what
   * `expect` asks for, moves the listening socket and every connection to it; this
   * process then finishes its requests and stops. Resolves when the new kernel serves,
   * or with the reason it was not committed (this kernel keeps serving).
   */
  handOver(request: HandOverRequest): Promise<HandOverResult>;
}

export const UNSUPERVISED: KernelSupervisor = {
  supervised: false,
  generation: 0,
  async handOver() {
    return {
      ok: false,
      reason:
        "This kernel runs without the supervisor (ROA2WEB_SUPERVISOR=off): there is no process to hand over to",
    };
  },
};
