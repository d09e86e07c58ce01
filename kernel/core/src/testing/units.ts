/**
 * What a plugin's unit tests borrow from the kernel without starting one: the cache a
 * plugin is given, and a plugin database opened the way the kernel opens it. Public
 * as part of `@roa2web/kernel/testing`, so a test never reaches into kernel source.
 */
import type { CacheService } from "@roa2web/plugin-sdk";
import type { DataSource, EntitySchema, MixedList } from "typeorm";
import { createCache } from "../cache/create-cache.js";
import { openDataSource, pluginSchema } from "../database/open-data-source.js";

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

/** Where the plugin's database is: a SQLite file, or PostgreSQL as DATABASE_URL puts it. */
export type PluginDatabaseWhere =
  | {
      /** The SQLite file; its folder must exist. Opening the same file again keeps its data. */
      file: string;
    }
  | {
      /**
       * A PostgreSQL database (`postgres://…`) and the plugin's name: its schema is
       * `plugin_<name>` (`-` as `_`), every connection's search_path, as the kernel does
       * with DATABASE_URL. Opening it again keeps its data.
       */
      postgres: { url: string; plugin: string };
    };

export type OpenPluginDatabaseOptions = PluginDatabaseWhere & {
  /** The plugin's `database.entities`. */
  // biome-ignore lint/suspicious/noExplicitAny: TypeORM's own entity list type
  entities: MixedList<string | (new (...args: any[]) => unknown) | EntitySchema>;
  /** The plugin's `database.migrations`; those not applied yet run in one transaction. */
  // biome-ignore lint/suspicious/noExplicitAny: TypeORM's own migration list type
  migrations: MixedList<string | (new (...args: any[]) => unknown)>;
};

export interface OpenedPluginDatabase {
  dataSource: DataSource;
  /** Names of the migrations this call applied, in order. */
  appliedMigrations: string[];
}

/**
 * Opens a plugin's database exactly as the kernel does before `start`, on SQLite (WAL,
 * foreign keys on) or on PostgreSQL (the plugin's schema as search_path, migrations under
 * an advisory lock): pending migrations in one transaction, so a failing one leaves the
 * database as it was. The caller destroys the data source and removes the file.
 */
export function openPluginDatabase(
  options: OpenPluginDatabaseOptions,
): Promise<OpenedPluginDatabase> {
  const { entities, migrations } = options;
  if ("file" in options) {
    return openDataSource({
      location: { kind: "sqlite", file: options.file },
      entities,
      migrations,
    });
  }
  const { url, plugin } = options.postgres;
  return openDataSource({
    location: { kind: "postgres", url, schema: pluginSchema(plugin), poolMax: 4 },
    entities,
    migrations,
  });
}
