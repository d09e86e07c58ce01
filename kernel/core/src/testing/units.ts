/**
 * What a plugin's unit tests borrow from the kernel without starting one: the cache a
 * plugin is given, and a plugin database opened the way the kernel opens it. Public
 * as part of `@roa2web/kernel/testing`, so a test never reaches into kernel source.
 */
import type { CacheService } from "@roa2web/plugin-sdk";
import type { DataSource, EntitySchema, MixedList } from "typeorm";
import { createCache } from "../cache/create-cache.js";
import { openSqliteDataSource } from "../database/sqlite-data-source.js";

/** The kernel's two-level cache (L1 in the process, L2 in memory), as a test owns it. */
export interface TestCache extends CacheService {
  /** The view a plugin gets: every key it uses is stored as `<namespace>:<key>`. */
  namespaced(namespace: string): CacheService;
  /** Releases the cache; a test calls it in `afterAll`/`afterEach`. */
  close(): Promise<void>;
}

export interface CreateTestCacheOptions {
  /** How many entries the in-process level keeps (the kernel's default otherwise). */
  l1MaxEntries?: number;
  /** Time to live of an entry set without one (the kernel's default otherwise). */
  defaultTtlMs?: number;
}

/**
 * A cache that behaves as the one the kernel hands a plugin (two levels, TTLs, stale
 * answers, `invalidatePrefix`), with its second level in memory: nothing on disk.
 */
export function createTestCache(options: CreateTestCacheOptions = {}): Promise<TestCache> {
  return createCache({ url: "memory://", ...options });
}

export interface OpenPluginDatabaseOptions {
  /** The SQLite file; its folder must exist. Opening the same file again keeps its data. */
  file: string;
  /** The plugin's `database.entities`. */
  // biome-ignore lint/suspicious/noExplicitAny: TypeORM's own entity list type
  entities: MixedList<string | (new (...args: any[]) => unknown) | EntitySchema>;
  /** The plugin's `database.migrations`; those not applied yet run in one transaction. */
  // biome-ignore lint/suspicious/noExplicitAny: TypeORM's own migration list type
  migrations: MixedList<string | (new (...args: any[]) => unknown)>;
}

export interface OpenedPluginDatabase {
  dataSource: DataSource;
  /** Names of the migrations this call applied, in order. */
  appliedMigrations: string[];
}

/**
 * Opens a plugin's database exactly as the kernel does before `start`: WAL, foreign keys
 * on, pending migrations in one transaction (a failing one leaves the file as it was).
 * The caller destroys the data source and removes the file.
 */
export function openPluginDatabase(
  options: OpenPluginDatabaseOptions,
): Promise<OpenedPluginDatabase> {
  return openSqliteDataSource(options);
}
