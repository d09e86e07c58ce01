import { K as KernelSettings, a as KernelLogger } from './kernel-B_SkDOQl.js';
export { E as Environment, b as Kernel, c as KernelOptions, P as PluginRecord, d as PluginState, e as createKernel } from './kernel-B_SkDOQl.js';
import Database from 'better-sqlite3';
import 'awilix';
import '@roa2web/plugin-sdk';
import 'pino';
import 'typeorm';
import 'node:http';
import 'node:net';
import 'fastify';

interface LoadConfigOptions {
    /** The environment to read (defaults to process.env). */
    env?: Readonly<Record<string, string | undefined>>;
    /** Project root holding `config/` and `.env` (defaults to the nearest folder with `config/` above cwd). */
    root?: string;
    /** Skip the `.env` file (tests). */
    ignoreDotenv?: boolean;
}
declare function findProjectRoot(start?: string): string;
declare function loadConfig(options?: LoadConfigOptions): KernelSettings;

/**
 * Readers that turn raw environment strings into typed values and collect every
 * problem with the variable's name, so a bad configuration is reported in one go.
 */
declare class ConfigError extends Error {
    readonly problems: string[];
    constructor(problems: string[]);
}

/**
 * Generates the demo ERP unless a file of the current schema version exists. Writes
 * to a temporary file and renames it, so a crash never leaves a half-made ERP.
 */
declare function ensureDemoErp(file: string, options: {
    seed: number;
    scale: number;
    endDate?: string;
}, logger: Pick<KernelLogger, "info" | "warn">): void;

/** Tables in the order they can be filled (parents before children). */
declare const DEMO_ERP_TABLES: readonly ["meta", "companies", "periods", "accounts", "partners", "treasury_accounts", "invoices", "payments", "ledger_entries", "treasury_movements"];
type DemoErpTable = (typeof DEMO_ERP_TABLES)[number];

interface DemoErpOptions {
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
interface DemoErpSummary {
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
/**
 * Replaces the content of the demo tables (creating them if needed) with freshly generated data,
 * in one transaction: readers see either the old data or the new, never half of it.
 */
declare function generateDemoErp(db: Database.Database, options?: DemoErpOptions): DemoErpSummary;

declare const KERNEL_VERSION: string;

export { ConfigError, type DemoErpOptions, KERNEL_VERSION, KernelSettings, type LoadConfigOptions, ensureDemoErp, findProjectRoot, generateDemoErp, loadConfig };
