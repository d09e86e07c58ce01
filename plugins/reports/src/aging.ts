/** Aging of outstanding invoices: which bucket an amount falls in, and the bucket totals. */
import type { AgingBucketKey } from "@roa2web/reports-contract";
import { daysBetween } from "./period.js";

export type { AgingBucketKey } from "@roa2web/reports-contract";

export const AGING_BUCKETS = [
  { key: "not_due", label: "Not due", minDays: Number.NEGATIVE_INFINITY, maxDays: 0 },
  { key: "1_30", label: "1–30 days", minDays: 1, maxDays: 30 },
  { key: "31_60", label: "31–60 days", minDays: 31, maxDays: 60 },
  { key: "61_90", label: "61–90 days", minDays: 61, maxDays: 90 },
  { key: "over_90", label: "Over 90 days", minDays: 91, maxDays: Number.POSITIVE_INFINITY },
] as const satisfies ReadonlyArray<{
  key: AgingBucketKey;
  label: string;
  minDays: number;
  maxDays: number;
}>;

/** Days past due at `asOf`: 0 or less means not yet due (due today is not overdue). */
export function daysOverdue(dueDate: string, asOf: string): number {
  return daysBetween(dueDate, asOf);
}

export function agingBucket(daysPastDue: number): AgingBucketKey {
  for (const bucket of AGING_BUCKETS) {
    if (daysPastDue >= bucket.minDays && daysPastDue <= bucket.maxDays) return bucket.key;
  }
  return "over_90";
}

/** Open amounts grouped by due date, as the aging query returns them. */
export interface OpenByDueDate {
  due_date: string;
  invoices: number;
  outstanding: number;
}

export interface AgingBucket {
  key: AgingBucketKey;
  label: string;
  amount: number;
  invoices: number;
}

export interface Aging {
  total: number;
  overdue: number;
  invoices: number;
  buckets: AgingBucket[];
}

/**
 * Sums open amounts into the five buckets. Sums run in whole bani so the buckets add
 * up to the total exactly, with no floating-point drift.
 */
export function ageOutstanding(rows: readonly OpenByDueDate[], asOf: string): Aging {
  const bani = new Map<AgingBucketKey, number>();
  const counts = new Map<AgingBucketKey, number>();
  for (const row of rows) {
    const key = agingBucket(daysOverdue(row.due_date, asOf));
    bani.set(key, (bani.get(key) ?? 0) + toBani(row.outstanding));
    counts.set(key, (counts.get(key) ?? 0) + row.invoices);
  }
  const buckets = AGING_BUCKETS.map((bucket) => ({
    key: bucket.key,
    label: bucket.label,
    amount: fromBani(bani.get(bucket.key) ?? 0),
    invoices: counts.get(bucket.key) ?? 0,
  }));
  const totalBani = [...bani.values()].reduce((sum, value) => sum + value, 0);
  const notDueBani = bani.get("not_due") ?? 0;
  return {
    total: fromBani(totalBani),
    overdue: fromBani(totalBani - notDueBani),
    invoices: buckets.reduce((sum, bucket) => sum + bucket.invoices, 0),
    buckets,
  };
}

export function toBani(amount: number): number {
  return Math.round(amount * 100);
}

export function fromBani(bani: number): number {
  return bani / 100;
}
