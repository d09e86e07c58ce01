/**
 * A report's own URL as a `defineCachedReport` declaration, which the kernel serves
 * (grant, cache, ETag/304, headers): the definition's checks and key through
 * `ReportCache.prepare`, its `load` on a miss, and `format=xlsx|pdf` answered as the
 * report's file (with the reports:export permission) instead of the JSON.
 */
import { type CachedReportRoute, defineCachedReport, type Logger } from "@roa2web/plugin-sdk";
import type { PeriodParams } from "@roa2web/reports-contract";
import type { PreparedReport, ReportCache } from "./report-cache.js";
import {
  asksForFile,
  type ReportFile,
  type ReportFormatParam,
  reportFileOrNot,
} from "./report-or-file.js";
import type { ReportDefinition } from "./reports/definition.js";

export function reportRoute<Query extends PeriodParams & ReportFormatParam, Filters, Report>(
  reports: ReportCache,
  report: ReportDefinition<Query, Filters, Report>,
  file: ReportFile<Query>,
  logger: Logger,
): CachedReportRoute<Query> {
  return defineCachedReport<Query, PreparedReport<Filters>, Report>({
    company: (query) => query.company,
    prepare: ({ query, user }) => reports.prepare(report, query, user),
    key: (prepared) => prepared.key,
    ttl: (prepared) => prepared.resolved.ttlMs,
    load: (prepared, { query }) => reports.load(report, query, prepared),
    otherwise: reportFileOrNot(file, { logger, report: report.name }),
    // Decided by the query alone: the kernel answers the JSON's cache hits before routing.
    answersOtherwise: asksForFile,
  });
}
