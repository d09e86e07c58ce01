/**
 * What a plugin's unit tests borrow from the kernel without starting one: the cache a
 * plugin is given, and a plugin database opened the way the kernel opens it. Public
 * as part of `@roa2web/kernel/testing`, so a test never reaches into kernel source.
 */
import type { CacheService } from "@roa2web/plugin-sdk";
import type { DataSource, EntitySchema, MixedList } from "typeorm";
import { createCache } from "../cache/create-cache.js";
import {
  type DatabaseLocation,
  openDataSource,
  pluginSchema,
} from "../database/open-data-source.js";

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

interface PluginDatabaseCode {
  /** The plugin's `database.entities`. */
  // biome-ignore lint/suspicious/noExplicitAny: TypeORM's own entity list type
  entities: MixedList<string | (new (...args: any[]) => unknown) | EntitySchema>;
  /** The plugin's `database.migrations`; those not applied yet run in one transaction. */
  // biome-ignore lint/suspicious/noExplicitAny: TypeORM's own migration list type
  migrations: MixedList<string | (new (...args: any[]) => unknown)>;
}

/**
 * Where: a SQLite file (its folder must exist; opening the same file again keeps its
 * data), or — to test a plugin on PostgreSQL as `DATABASE_URL` runs it — a database URL
 * and the plugin's name, which opens its schema `plugin_<name>` (ADR 0028).
 */
export type OpenPluginDatabaseOptions = PluginDatabaseCode &
  ({ file: string } | { databaseUrl: string; pluginName: string });

export interface OpenedPluginDatabase {
  dataSource: DataSource;
  /** Names of the migrations this call applied, in order. */
  appliedMigrations: string[];
}

/**
 * Opens a plugin's database exactly as the kernel does before `start`: on SQLite WAL,
 * foreign keys on; on PostgreSQL its schema, a pool; pending migrations in one
 * transaction (a failing one leaves the database as it was). The caller destroys the
 * data source and removes the file (or drops the database).
 */
export function openPluginDatabase(
  options: OpenPluginDatabaseOptions,
): Promise<OpenedPluginDatabase> {
  const { entities, migrations } = options;
  const location: DatabaseLocation =
    "file" in options
      ? { kind: "sqlite", file: options.file }
      : {
          kind: "postgres",
          url: options.databaseUrl,
          schema: pluginSchema(options.pluginName),
          poolMax: 4,
        };
  return openDataSource({ location, entities, migrations });
}
