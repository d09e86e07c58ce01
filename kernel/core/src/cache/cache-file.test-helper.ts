/**
 * A throwaway SQLite cache file for the cache's tests (sqlite-store, two-level-cache):
 * a fresh temp folder per test, keyv over our SqliteStore opened on it as createCache
 * opens it (WAL, `synchronous = NORMAL`, a busy timeout), and its rows read back by a
 * second driver. What a test opens is closed after it, newest first, before the folder
 * is removed. Call `useCacheFile()` once at the top of a test file.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import Keyv from "keyv";
import { afterEach, beforeEach } from "vitest";
import { SqliteStore } from "./sqlite-store.js";

export interface CacheFile {
  /** The current test's `cache.db` (not created until something opens it). */
  readonly path: string;
  /** Keyv over SqliteStore on the file; disconnected after the test. */
  keyv(namespace?: string): Keyv;
  /** The keys of the L2 rows as the file holds them, read by a second driver. */
  rowKeys(): string[];
  /** Runs `close` after the test, before what was opened earlier is closed. */
  closeAfter(close: () => unknown): void;
}

export function useCacheFile(): CacheFile {
  let dir = "";
  let file = "";
  const closers: Array<() => unknown> = [];
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "roa2web-cache-"));
    file = path.join(dir, "cache.db");
  });
  afterEach(async () => {
    // Newest first: a cache before the keyv it was given (disconnecting twice is safe).
    for (const close of closers.splice(0).reverse()) await close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  return {
    get path() {
      return file;
    },
    keyv(namespace) {
      const database = new Database(file, { timeout: 5000 });
      database.pragma("journal_mode = WAL");
      database.pragma("synchronous = NORMAL");
      const keyv = new Keyv(new SqliteStore(database), { namespace });
      closers.push(() => keyv.disconnect());
      return keyv;
    },
    rowKeys() {
      const db = new Database(file, { readonly: true });
      try {
        return (
          db.prepare("SELECT key FROM keyv ORDER BY key").all() as Array<{ key: string }>
        ).map((row) => row.key);
      } finally {
        db.close();
      }
    },
    closeAfter(close) {
      closers.push(close);
    },
  };
}
