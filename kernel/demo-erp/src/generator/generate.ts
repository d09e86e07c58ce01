// Fills a SQLite database with the seeded demo ERP: several companies, their partners, invoices,
// payments, ledger and treasury, consistent enough for the reports to be computed with plain SQL.
import type Database from "better-sqlite3";
import type { IdSequences } from "./books.js";
import {
  addMonths,
  type Day,
  DayFormatter,
  dayOf,
  formatDay,
  parseIsoDate,
  splitDay,
  todayUtc,
} from "./calendar.js";
import { type CompanySetup, CompanySimulation } from "./company.js";
import { writeExchangeRates } from "./exchange-rates.js";
import { PartnerNames, TaxIds } from "./identity.js";
import { COMPANY_PROFILES } from "./profiles.js";
import { Random } from "./random.js";
import { createDemoErpSchema, DEMO_ERP_SCHEMA_VERSION, type DemoErpTable } from "./schema.js";
import { DemoErpWriter } from "./writer.js";

export interface DemoErpOptions {
  /** Seed of the pseudo-random generator; the same options give the same rows. Default 42. */
  seed?: number;
  /** How many companies. Default 3. */
  companies?: number;
  /** Calendar months covered, ending with the end date's month. Default and minimum 24. */
  months?: number;
  /** YYYY-MM-DD; no document is dated after it. Default: today in UTC. */
  endDate?: string;
  /** Multiplies document volume (and partners, staff, balances) linearly. Default 1. */
  scale?: number;
}

export interface DemoErpSummary {
  seed: number;
  companies: number;
  months: number;
  scale: number;
  /** First day of the first month covered. */
  startDate: string;
  endDate: string;
  counts: Record<DemoErpTable, number>;
  /** Wall-clock milliseconds the generation took. */
  ms: number;
}

export const DEMO_ERP_DEFAULTS = { seed: 42, companies: 3, months: 24, scale: 1 } as const;
export const DEMO_ERP_MIN_MONTHS = 24;
export const DEMO_ERP_MIN_SCALE = 0.01;
/**
 * Bump when the generated books change meaning (new documents, other payment habits), even if
 * no table does: a kernel regenerates an existing `./data/demo-erp.db` whose `meta.books_version`
 * differs. 2: year-end closing to 121, a healthy distributor's receivables, Romanian treasury
 * document types.
 */
export const DEMO_ERP_BOOKS_VERSION = 2;

interface ResolvedOptions {
  seed: number;
  companies: number;
  months: number;
  scale: number;
  start: Day;
  end: Day;
}

function resolveOptions(options: DemoErpOptions): ResolvedOptions {
  const seed = options.seed ?? DEMO_ERP_DEFAULTS.seed;
  const companies = options.companies ?? DEMO_ERP_DEFAULTS.companies;
  const months = options.months ?? DEMO_ERP_DEFAULTS.months;
  const scale = options.scale ?? DEMO_ERP_DEFAULTS.scale;
  if (!Number.isSafeInteger(seed))
    throw new RangeError(`Demo ERP seed must be an integer, got ${seed}`);
  if (!Number.isInteger(companies) || companies < 1) {
    throw new RangeError(`Demo ERP companies must be a positive integer, got ${companies}`);
  }
  if (!Number.isInteger(months) || months < DEMO_ERP_MIN_MONTHS) {
    throw new RangeError(
      `Demo ERP months must be an integer of at least ${DEMO_ERP_MIN_MONTHS}, got ${months}`,
    );
  }
  // Below 0.01 opening balances would round to nothing; from there on every amount stays positive.
  if (!Number.isFinite(scale) || scale < DEMO_ERP_MIN_SCALE) {
    throw new RangeError(`Demo ERP scale must be at least ${DEMO_ERP_MIN_SCALE}, got ${scale}`);
  }
  const end = parseIsoDate(options.endDate ?? todayUtc());
  const last = splitDay(end);
  const first = addMonths(last.year, last.month, 1 - months);
  return { seed, companies, months, scale, start: dayOf(first.year, first.month, 1), end };
}

/** Resolves the company list: the named profiles first, then numbered variants of them. */
function companySetups(count: number, taxIds: TaxIds): CompanySetup[] {
  const setups: CompanySetup[] = [];
  for (let i = 0; i < count; i++) {
    const profile = COMPANY_PROFILES[i % COMPANY_PROFILES.length];
    if (!profile) throw new Error("No company profiles defined");
    const round = Math.floor(i / COMPANY_PROFILES.length) + 1;
    setups.push({
      id: i + 1,
      code: round === 1 ? profile.code : `${profile.code}${round}`,
      name: round === 1 ? profile.name : profile.name.replace(/ (SRL|SA)$/, ` ${round} $1`),
      city: profile.city,
      taxId: taxIds.next(),
      profile,
    });
  }
  return setups;
}

/**
 * Replaces the content of the demo tables (creating them if needed) with freshly generated data,
 * in one transaction: readers see either the old data or the new, never half of it.
 */
export function generateDemoErp(
  db: Database.Database,
  options: DemoErpOptions = {},
): DemoErpSummary {
  const started = performance.now();
  const resolved = resolveOptions(options);
  createDemoErpSchema(db);
  const writer = new DemoErpWriter(db);

  db.transaction(() => {
    writer.clear();
    const endDate = formatDay(resolved.end);
    const meta: Array<[string, string]> = [
      ["schema_version", String(DEMO_ERP_SCHEMA_VERSION)],
      ["books_version", String(DEMO_ERP_BOOKS_VERSION)],
      ["seed", String(resolved.seed)],
      ["scale", String(resolved.scale)],
      ["companies", String(resolved.companies)],
      ["months", String(resolved.months)],
      ["start_date", formatDay(resolved.start)],
      ["end_date", endDate],
      // The one value that differs between two runs with the same options.
      ["generated_at", new Date().toISOString()],
    ];
    for (const row of meta) writer.insert("meta", row);
    writeExchangeRates(writer, new DayFormatter(), { ...resolved });

    const taxIds = new TaxIds(Random.derive(resolved.seed, "tax-ids"));
    const ids: IdSequences = { ledger: 0, treasury: 0, partner: 0, invoice: 0, payment: 0 };
    const days = new DayFormatter();
    for (const company of companySetups(resolved.companies, taxIds)) {
      writer.insert("companies", [
        company.id,
        company.code,
        company.name,
        company.taxId,
        "RON",
        company.city,
      ]);
      const names = new PartnerNames(Random.derive(resolved.seed, "partner-names", company.code));
      const context = { writer, days, ids, names, taxIds };
      new CompanySimulation(context, company, {
        start: resolved.start,
        end: resolved.end,
        months: resolved.months,
        scale: resolved.scale,
        seed: resolved.seed,
      }).run();
    }
  })();

  return {
    seed: resolved.seed,
    companies: resolved.companies,
    months: resolved.months,
    scale: resolved.scale,
    startDate: formatDay(resolved.start),
    endDate: formatDay(resolved.end),
    counts: { ...writer.counts },
    ms: Math.round(performance.now() - started),
  };
}
