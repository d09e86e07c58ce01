/**
 * Opens the cache chosen by `CACHE_URL`. The only module that knows keyv adapters:
 * another store (Redis) is one more entry in ADAPTERS, and no caller changes.
 */
import { existsSync, mkdirSync, renameSync } from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import Keyv from "keyv";
import { assertWritableDatabase } from "../database/writable-storage.js";
import { RedisConnection } from "../redis/redis-connection.js";
import { type InvalidationBus, RedisInvalidationBus } from "./invalidation-bus.js";
import { RedisStore } from "./redis-store.js";
import { SqliteStore } from "./sqlite-store.js";
import { type CacheLogger, TwoLevelCache } from "./two-level-cache.js";

export interface CreateCacheOptions {
  /**
   * `sqlite:///abs/path/cache.db`, `sqlite://relative/cache.db` (from the working
   * directory), `memory://`, or `redis://…`/`rediss://…` (shared by several kernels).
   */
  url: string;
  /** The kernel's Redis connection (REDIS_URL): a `CACHE_URL` equal to its URL uses it. */
  redis?: RedisConnection;
  /** Before every key and channel of a Redis the cache opens itself (REDIS_KEY_PREFIX). */
  redisKeyPrefix?: string;
  l1MaxEntries?: number;
  defaultTtlMs?: number;
  logger?: CacheLogger;
  /** When set, expired L2 rows are swept at this interval. */
  sweepIntervalMs?: number;
}

/** Thrown at startup for a `CACHE_URL` the kernel cannot use. */
export class CacheConfigurationError extends Error {
  readonly code = "CACHE_CONFIGURATION";

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "CacheConfigurationError";
  }
}

interface OpenedStore {
  keyv: Keyv;
  storeName: string;
  /** For a store several kernels share: how they tell each other what they invalidated. */
  bus?: InvalidationBus;
}

interface AdapterContext {
  url: string;
  logger: CacheLogger | undefined;
  redis: RedisConnection | undefined;
  redisKeyPrefix: string | undefined;
}

/** Keyed by URL scheme; each gets what follows `scheme://` (and the whole URL, the logger). */
const ADAPTERS: Record<
  string,
  (location: string, context: AdapterContext) => Promise<OpenedStore>
> = {
  sqlite: (location, context) => openSqlite(location, context.logger),
  memory: openMemory,
  redis: (_location, context) => openRedis(context),
  rediss: (_location, context) => openRedis(context),
};

/**
 * How long SQLite waits on a file another process holds locked before SQLITE_BUSY. The
 * driver is synchronous, so the wait holds the event loop: short, since a cache write
 * that fails is only logged (L1 keeps the value). WAL readers never wait on writers.
 */
const SQLITE_BUSY_TIMEOUT_MS = 250;

export async function createCache(options: CreateCacheOptions): Promise<TwoLevelCache> {
  const { scheme, location } = parseUrl(options.url);
  const open = ADAPTERS[scheme];
  if (!open) {
    // Name the scheme only: the rest of a URL can hold a password (redis://:secret@host).
    throw new CacheConfigurationError(
      `Unsupported CACHE_URL scheme "${scheme}://"; accepted: ${acceptedSchemes()}`,
    );
  }
  const { keyv, storeName, bus } = await open(location, {
    url: options.url,
    logger: options.logger,
    redis: options.redis,
    redisKeyPrefix: options.redisKeyPrefix,
  });
  try {
    const cache = new TwoLevelCache({
      l2: keyv,
      l2StoreName: storeName,
      ...(bus === undefined ? {} : { bus }),
      ...(options.l1MaxEntries === undefined ? {} : { l1MaxEntries: options.l1MaxEntries }),
      ...(options.defaultTtlMs === undefined ? {} : { defaultTtlMs: options.defaultTtlMs }),
      ...(options.logger === undefined ? {} : { logger: options.logger }),
    });
    if (options.sweepIntervalMs !== undefined) cache.startSweeper(options.sweepIntervalMs);
    return cache;
  } catch (error) {
    await keyv.disconnect(); // a rejected setting must not leave the file open
    throw error;
  }
}

function parseUrl(url: string): { scheme: string; location: string } {
  const match = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/(.*)$/s.exec(url);
  if (!match) {
    throw new CacheConfigurationError(
      `CACHE_URL must look like scheme://location; accepted: ${acceptedSchemes()}`,
    );
  }
  return { scheme: (match[1] ?? "").toLowerCase(), location: match[2] ?? "" };
}

function acceptedSchemes(): string {
  return Object.keys(ADAPTERS)
    .map((scheme) => `${scheme}://`)
    .join(", ");
}

/**
 * The path is taken as written (no percent-decoding), so any file name works.
 * `sqlite:///C:/data/cache.db` becomes `C:/data/cache.db` on Windows.
 */
async function openSqlite(location: string, logger?: CacheLogger): Promise<OpenedStore> {
  const file = /^\/[A-Za-z]:[\\/]/.test(location) ? location.slice(1) : location;
  if (file === "") {
    throw new CacheConfigurationError(
      "CACHE_URL sqlite:// needs a file path, e.g. sqlite:///var/lib/roa2web/cache.db",
    );
  }
  try {
    if (file !== ":memory:") mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  } catch (error) {
    throw new CacheConfigurationError(`Cannot create the folder of the cache database ${file}`, {
      cause: error,
    });
  }
  if (file !== ":memory:") setAsideIfCorrupt(file, logger);
  let database: Database.Database | undefined;
  let store: SqliteStore;
  try {
    database = new Database(file, { timeout: SQLITE_BUSY_TIMEOUT_MS });
    // WAL lets readers and the writer work at once; NORMAL sync can lose the last
    // commits on power loss, which a cache can afford.
    database.pragma("journal_mode = WAL");
    database.pragma("synchronous = NORMAL");
    store = new SqliteStore(database);
  } catch (error) {
    database?.close();
    throw new CacheConfigurationError(`Cannot open the cache database ${file}`, { cause: error });
  }
  try {
    // A cache file the server cannot write is refused at startup, as the databases are.
    if (file !== ":memory:") await assertWritableDatabase(sqlRunner(database), file);
  } catch (error) {
    await store.disconnect();
    throw error;
  }
  return { keyv: new Keyv(store, noKeyvNamespace), storeName: "sqlite" };
}

/** SQLite's answers for a file that is not a database, or a damaged one. */
const CORRUPT_CODES = new Set(["SQLITE_NOTADB", "SQLITE_CORRUPT"]);

/**
 * The cache holds nothing that cannot be computed again, so a damaged file (garbage
 * bytes, a file cut short by a full disk) must not stop the server: it is renamed to
 * `<file>.corrupt-<time>` (kept for a post-mortem, with its -wal and -shm) and an
 * empty one takes its place. Checked with better-sqlite3, which can be closed before
 * the rename (Windows cannot rename an open file); `quick_check` reads every page,
 * which a cut-short file fails. A file that cannot be opened for another reason (no
 * permission) is left for the opening below to report.
 */
function setAsideIfCorrupt(file: string, logger: CacheLogger | undefined): void {
  if (!existsSync(file)) return;
  let problem: string | undefined;
  let database: Database.Database | undefined;
  try {
    database = new Database(file, { fileMustExist: true });
    const verdict = database.pragma("quick_check", { simple: true });
    if (verdict !== "ok") problem = String(verdict);
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === undefined || !CORRUPT_CODES.has(code)) return;
    problem = code;
  } finally {
    database?.close();
  }
  if (problem === undefined) return;
  const aside = `${file}.corrupt-${new Date().toISOString().replace(/[:.]/g, "-")}`;
  for (const suffix of ["", "-wal", "-shm"]) {
    if (existsSync(file + suffix)) renameSync(file + suffix, aside + suffix);
  }
  (logger ?? { warn: (object: object, message?: string) => console.warn(message, object) }).warn(
    { file, movedTo: aside, problem },
    "The cache database was damaged: moved aside, starting with an empty cache",
  );
}

/** `query` as assertWritableDatabase runs it: rows for a statement that returns some. */
function sqlRunner(database: Database.Database): { query(sql: string): Promise<unknown> } {
  return {
    query: async (sql) => {
      const statement = database.prepare(sql);
      return statement.reader ? statement.all() : statement.run();
    },
  };
}

/**
 * Redis: the kernel's own connection when CACHE_URL is REDIS_URL (the default when
 * REDIS_URL is set), else one of the cache's own, closed with the cache.
 */
async function openRedis(context: AdapterContext): Promise<OpenedStore> {
  let connection = context.redis;
  let close: () => Promise<void> = async () => undefined;
  if (connection === undefined || context.url !== context.redis?.url) {
    const own = new RedisConnection({
      url: context.url,
      logger: redisLogger(context.logger),
      ...(context.redisKeyPrefix === undefined ? {} : { keyPrefix: context.redisKeyPrefix }),
    });
    await own.open();
    connection = own;
    close = () => own.close();
  }
  const store = new RedisStore(connection.client, connection.keyPrefix, close);
  return {
    keyv: new Keyv(store, noKeyvNamespace),
    storeName: "redis",
    bus: new RedisInvalidationBus(connection),
  };
}

/** The kernel passes a pino logger (which has `info`); a bare CacheLogger only warns. */
function redisLogger(logger: CacheLogger | undefined) {
  const warn = (object: object, message?: string) =>
    logger ? logger.warn(object, message) : console.warn(message, object);
  const info = (logger as { info?: CacheLogger["warn"] } | undefined)?.info;
  return { warn, info: info ? info.bind(logger) : warn };
}

async function openMemory(): Promise<OpenedStore> {
  return { keyv: new Keyv(noKeyvNamespace), storeName: "memory" };
}

/**
 * The store holds only the cache, which namespaces keys itself. keyv's own namespace
 * would add a prefix that keyv skips whenever a key already starts with it, so
 * `keyv:x` and `x` would share a row.
 */
const noKeyvNamespace = { namespace: undefined };
