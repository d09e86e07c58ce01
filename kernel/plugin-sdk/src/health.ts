export type HealthState = "up" | "degraded" | "down" | "not-configured";

export interface HealthStatus {
  status: HealthState;
  detail?: string;
  /** Small, JSON-serialisable facts for operators (counts, timestamps). */
  data?: Record<string, unknown>;
}
