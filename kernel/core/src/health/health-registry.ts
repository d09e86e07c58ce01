/**
 * Where the kernel's services and every plugin report their state. `/health`
 * runs all checks in parallel, each bounded by a time limit, so one hanging
 * dependency (an ERP that does not answer) cannot make `/health` hang.
 */
import type { HealthStatus } from "@roa2web/plugin-sdk";

export type HealthCheck = () => HealthStatus | Promise<HealthStatus>;

export interface HealthEntry extends HealthStatus {
  name: string;
  /** Whether a failure of this check makes the whole process unhealthy (503). */
  critical: boolean;
  durationMs: number;
}

export interface HealthReport {
  status: "ok" | "degraded" | "down";
  checks: HealthEntry[];
}

interface Registration {
  check: HealthCheck;
  critical: boolean;
  timeoutMs: number;
}

export class HealthRegistry {
  private readonly checks = new Map<string, Registration>();

  constructor(private readonly defaultTimeoutMs = 400) {}

  register(
    name: string,
    check: HealthCheck,
    options: { critical?: boolean; timeoutMs?: number } = {},
  ): () => void {
    const registration = {
      check,
      critical: options.critical ?? false,
      timeoutMs: options.timeoutMs ?? this.defaultTimeoutMs,
    };
    this.checks.set(name, registration);
    return () => {
      if (this.checks.get(name) === registration) this.checks.delete(name);
    };
  }

  async run(): Promise<HealthReport> {
    const entries = await Promise.all(
      [...this.checks].map(async ([name, registration]) => runOne(name, registration)),
    );
    const criticalDown = entries.some((entry) => entry.critical && entry.status === "down");
    const anyDegraded = entries.some(
      (entry) => entry.status === "down" || entry.status === "degraded",
    );
    return { status: criticalDown ? "down" : anyDegraded ? "degraded" : "ok", checks: entries };
  }
}

async function runOne(name: string, registration: Registration): Promise<HealthEntry> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<HealthStatus>((resolve) => {
    timer = setTimeout(
      () => resolve({ status: "down", detail: `no answer within ${registration.timeoutMs} ms` }),
      registration.timeoutMs,
    );
  });
  let status: HealthStatus;
  try {
    status = await Promise.race([Promise.resolve().then(registration.check), timeout]);
  } catch (error) {
    status = { status: "down", detail: error instanceof Error ? error.message : String(error) };
  } finally {
    clearTimeout(timer);
  }
  return {
    name,
    critical: registration.critical,
    durationMs: Math.round((performance.now() - started) * 10) / 10,
    ...status,
  };
}
