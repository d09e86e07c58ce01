/**
 * The state of the data-entry instance a test kernel runs, as its routes receive it:
 * for tests that reach behind the HTTP API (a fake OCR engine, a resume after a stop).
 */
import type { DataEntryState } from "../services.js";

/** The part of the test kernel used here (its type lives in kernel source, outside this package). */
export interface RunningKernel {
  plugins: {
    get(
      name: string,
    ): { instance?: { routeOptions: Record<string, unknown> } | undefined } | undefined;
  };
}

export function runningState(kernel: RunningKernel): DataEntryState {
  const instance = kernel.plugins.get("data-entry")?.instance;
  if (!instance) throw new Error("data-entry is not running");
  // What the plugin's start returned: the kernel keeps it untyped.
  return instance.routeOptions.state as DataEntryState;
}
