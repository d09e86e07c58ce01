/**
 * What one cached report is: its name in the cache, which months decide its TTL, how
 * its own parameters are checked, what tells one answer apart in the cache, and how it
 * is loaded from the ERP on a miss. `ReportCache` serves every definition alike, so a
 * report is a definition, not plumbing of its own.
 */
import type { ErpClient } from "@roa2web/plugin-sdk";
import type { PeriodParams } from "@roa2web/reports-contract";
import type { ReportName } from "../cache-policy.js";
import { InvalidParameterError } from "../errors.js";
import type { PeriodSpan, ResolvedReport } from "../period-resolver.js";

/** Cache-key filters by name, listed in name order (the key then needs no sort). */
export type KeyFilters = Readonly<Record<string, string | number | undefined>>;

export interface ReportDefinition<Params extends PeriodParams, Filters, Report> {
  name: ReportName;
  /** Which months decide whether the answer is closed (and so its TTL). */
  span: PeriodSpan;
  /** The report's own parameters, checked (400 naming the field) and normalised. */
  filters(params: Params): Filters;
  /** What tells one answer apart in the cache, besides company, period and as-of date. */
  keyFilters(params: Params, filters: Filters): KeyFilters;
  /** The report from the ERP, on a cache miss. */
  load(erp: ErpClient, params: Params, filters: Filters, resolved: ResolvedReport): Promise<Report>;
}

/** Types a report definition (an identity function). */
export function defineReport<Params extends PeriodParams, Filters, Report>(
  definition: ReportDefinition<Params, Filters, Report>,
): ReportDefinition<Params, Filters, Report> {
  return definition;
}

/** A report with no filters of its own: one frozen object for every request. */
export const NO_FILTERS: KeyFilters = Object.freeze({});

export function assertOneOf(field: string, value: string, allowed: readonly string[]): void {
  if (!allowed.includes(value)) {
    throw new InvalidParameterError(field, `must be one of ${allowed.join(", ")} (got "${value}")`);
  }
}
