/**
 * Refuses storage the server cannot write, at startup and by name. A read-only data
 * directory (a volume mounted read-only, a wrong owner) used to let the server start,
 * report healthy, and then answer every sign-in with a 500. Both checks really write:
 * permission bits say nothing to root, to ACLs or to a read-only mount.
 */
import { randomUUID } from "node:crypto";
import { closeSync, fsyncSync, mkdirSync, openSync, unlinkSync, writeSync } from "node:fs";
import path from "node:path";

/** Thrown at startup when a folder or a database cannot be written; main.ts exits 78. */
export class StorageNotWritableError extends Error {
  readonly code = "STORAGE_NOT_WRITABLE";

  constructor(
    /** The folder or database file, as configured. */
    readonly location: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "StorageNotWritableError";
  }
}

function reason(error: unknown): string {
  const { code, message } = error as NodeJS.ErrnoException;
  return code ?? message;
}

/** Creates the folder if needed, then writes, syncs and removes a small file in it. */
export function assertWritableDirectory(directory: string, what = "The data directory"): void {
  // Unique per call: two kernels on one DATA_DIR (a hand-over; containers where both are
  // pid 1) must never remove each other's probe.
  const probe = path.join(directory, `.roa2web-write-probe-${process.pid}-${randomUUID()}`);
  try {
    mkdirSync(directory, { recursive: true });
    const descriptor = openSync(probe, "w");
    try {
      writeSync(descriptor, "roa2web");
      fsyncSync(descriptor);
    } finally {
      closeSync(descriptor);
    }
    unlinkSync(probe);
  } catch (error) {
    throw new StorageNotWritableError(
      directory,
      `${what} ${directory} cannot be written (${reason(error)}): the server needs to write there. Check the owner, the permissions and that the volume is not mounted read-only.`,
      { cause: error },
    );
  }
}

/** Something that runs SQL on one SQLite database. */
export interface SqlRunner {
  query(sql: string): Promise<unknown>;
}

/**
 * Sets the database's `user_version` to the value it has: SQLite needs a write
 * transaction for it, so a database file it opened read-only (it falls back to that
 * silently when the file cannot be opened for writing) fails here with
 * SQLITE_READONLY instead of at the first sign-in. Works on a new, empty database.
 */
export async function assertWritableDatabase(database: SqlRunner, file: string): Promise<void> {
  try {
    const rows = (await database.query("PRAGMA user_version")) as Array<{ user_version: number }>;
    const version = Number(rows[0]?.user_version ?? 0);
    await database.query(`PRAGMA user_version = ${Number.isSafeInteger(version) ? version : 0}`);
  } catch (error) {
    throw new StorageNotWritableError(
      file,
      `The database ${file} cannot be written (${reason(error)}). Check the owner and permissions of the file and of its folder, and that the volume is not mounted read-only.`,
      { cause: error },
    );
  }
}
