/**
 * Opens the cache chosen by `CACHE_URL`. The only module that knows keyv adapters:
 * another store (Redis) is one more entry in ADAPTERS, and no caller changes.
 */
import { mkdirSync } from "node:fs";
import path from "node:path";
import KeyvSqlite from "@keyv/sqlite";
import Keyv from "keyv";
import { type CacheLogger, TwoLevelCache } from "./two-level-cache.js";

export interface CreateCacheOptions {
  /** `sqlite:///abs/path/cache.db`, `sqlite://relative/cache.db` (from the working directory) or `memory://`. */
  url: string;
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
}

/** Keyed by URL scheme; each gets what follows `scheme://`. */
const ADAPTERS: Record<string, (location: string) => Promise<OpenedStore>> = {
  sqlite: openSqlite,
  memory: openMemory,
};

/** How long SQLite waits on a locked file before SQLITE_BUSY (a second process, a long sweep). */
const SQLITE_BUSY_TIMEOUT_MS = 5000;

export async function createCache(options: CreateCacheOptions): Promise<TwoLevelCache> {
  const { scheme, location } = parseUrl(options.url);
  const open = ADAPTERS[scheme];
  if (!open) {
    // Name the scheme only: the rest of a URL can hold a password (redis://:secret@host).
    throw new CacheConfigurationError(
      `Unsupported CACHE_URL scheme "${scheme}://"; accepted: ${acceptedSchemes()}`,
    );
  }
  const { keyv, storeName } = await open(location);
  try {
    const cache = new TwoLevelCache({
      l2: keyv,
      l2StoreName: storeName,
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
async function openSqlite(location: string): Promise<OpenedStore> {
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
  // The adapter opens the file in its constructor, hence the folder first.
  const store = new KeyvSqlite({ uri: `sqlite://${file}`, busyTimeout: SQLITE_BUSY_TIMEOUT_MS });
  try {
    // Also the first query: it surfaces an unopenable file here, at startup. Left
    // unqueried, @keyv/sqlite's failed connection is an unhandled rejection.
    // WAL lets readers and the writer work at once; NORMAL sync can lose the last
    // commits on power loss, which a cache can afford.
    await store.query("PRAGMA journal_mode = WAL");
    await store.query("PRAGMA synchronous = NORMAL");
  } catch (error) {
    throw new CacheConfigurationError(`Cannot open the cache database ${file}`, { cause: error });
  }
  return { keyv: new Keyv(store, noKeyvNamespace), storeName: "sqlite" };
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
