/**
 * Moves into the database the attachments whose bytes are only files in the folder
 * (ADR 0031): an install copied from SQLite to PostgreSQL (`roa2web db
 * copy-to-postgres`), or switched from files to the database. Until then only the
 * kernel whose folder holds them can serve them; afterwards every kernel can.
 *
 * It runs in the background at start, one attachment at a time, each in its own
 * transaction. The attachment's row is locked (`FOR UPDATE SKIP LOCKED`) and its
 * chunks written only if it has none, so several kernels doing it at once store each
 * attachment once: the others skip a row another holds, or find its chunks committed.
 * The file is hashed while it is copied; one that is not what its row recorded
 * (sha256, size) is rolled back, logged and left as it was.
 *
 * The files stay in the folder: the operator removes it once the move is logged done
 * and checked (docs/plugins/data-entry.md). A download that fell back to a file just
 * before its chunks committed keeps reading it, and the folder stays a copy until the
 * database's backup holds the bytes.
 */
import { stat } from "node:fs/promises";
import { isPostgres, type Logger, runSql } from "@roa2web/plugin-sdk";
import type { DataSource } from "typeorm";
import {
  copyFileIntoChunks,
  type DatabaseAttachmentStorage,
} from "./attachment-database-storage.js";
import { isMissingFile } from "./attachment-storage.js";

/** Attachments read per query while moving (ids only: the bytes go one file at a time). */
const PAGE = 200;
/** A progress line every this many attachments. */
const PROGRESS_EVERY = 100;

const WITHOUT_CHUNKS = `FROM "attachments" a WHERE NOT EXISTS
  (SELECT 1 FROM "attachment_chunks" c WHERE c."attachment_id" = a."id")`;
const COUNT = `SELECT COUNT(*) AS "n" ${WITHOUT_CHUNKS}`;
const NEXT_PAGE = `SELECT a."id" AS "id", a."stored_name" AS "storedName", a."size" AS "size",
  a."sha256" AS "sha256" ${WITHOUT_CHUNKS} AND a."id" > ? ORDER BY a."id" LIMIT ${PAGE}`;
const LOCK_ROW = `SELECT "id" FROM "attachments" WHERE "id" = ? FOR UPDATE SKIP LOCKED`;
const HAS_CHUNKS = `SELECT 1 AS "one" FROM "attachment_chunks" WHERE "attachment_id" = ? LIMIT 1`;

interface FolderOnly {
  id: string;
  storedName: string;
  size: number | string;
  sha256: string;
}

/** What one run did. */
export interface AdoptionResult {
  /** Attachments without chunks when the run began. */
  found: number;
  /** Copied into chunks by this run. */
  moved: number;
  /** Neither chunks nor a file in this kernel's folder. */
  missing: number;
  /** A file whose sha256 or size is not what its row recorded: not stored. */
  mismatched: number;
  /** Being moved, or moved meanwhile, by another kernel. */
  byOthers: number;
}

type Outcome = "moved" | "missing" | "mismatched" | "byOthers";

class FileMismatch extends Error {
  constructor(
    readonly found: { size: number; sha256: string },
    readonly expected: { size: number; sha256: string },
  ) {
    super("the file is not the one its row recorded");
  }
}

/**
 * Moves every attachment that has no chunks and whose file is in `storage`'s folder
 * into chunks; stops between two attachments once `signal` aborts. Only on PostgreSQL
 * (where the database storage is the default and several kernels may share it).
 */
export async function adoptFolderAttachments(
  storage: DatabaseAttachmentStorage,
  database: DataSource,
  logger: Logger,
  signal?: AbortSignal,
): Promise<AdoptionResult> {
  const result: AdoptionResult = { found: 0, moved: 0, missing: 0, mismatched: 0, byOthers: 0 };
  if (!isPostgres(database)) return result;
  const [counted] = await runSql<{ n: number | string }>(database, COUNT);
  result.found = Number(counted?.n ?? 0);
  if (result.found === 0) return result;
  const folder = storage.directory;
  logger.info(
    { attachments: result.found, folder },
    "Moving attachments stored as files into the database",
  );
  let done = 0;
  let after = "";
  while (!signal?.aborted) {
    const page = await runSql<FolderOnly>(database, NEXT_PAGE, [after]);
    if (page.length === 0) break;
    for (const row of page) {
      if (signal?.aborted) break;
      after = row.id;
      result[await moveOne(storage, database, logger, row)] += 1;
      done += 1;
      if (done % PROGRESS_EVERY === 0 && done < result.found) {
        logger.info(
          { ...counts(result), left: result.found - done, folder },
          "Moving attachments into the database",
        );
      }
    }
  }
  const summary = { ...counts(result), folder };
  if (signal?.aborted) {
    logger.info(
      { ...summary, left: result.found - done },
      "Moving attachments into the database stopped; the next start goes on",
    );
  } else if (result.missing + result.mismatched > 0) {
    logger.warn(
      summary,
      "Attachments moved into the database; some have no file here, or a file that is not theirs: they are served only where their file is",
    );
  } else {
    logger.info(
      summary,
      "Attachments moved into the database: once checked, the folder's files may be removed",
    );
  }
  return result;
}

const counts = ({ moved, missing, mismatched, byOthers }: AdoptionResult) => ({
  moved,
  missing,
  mismatched,
  byOthers,
});

async function moveOne(
  storage: DatabaseAttachmentStorage,
  database: DataSource,
  logger: Logger,
  row: FolderOnly,
): Promise<Outcome> {
  const file = storage.files.pathOf(row.storedName);
  const present = await stat(file).then(
    () => true,
    (error: unknown) => {
      if (isMissingFile(error)) return false;
      throw error;
    },
  );
  if (!present) return "missing";
  const expected = { size: Number(row.size), sha256: row.sha256 };
  try {
    return await database.transaction(async (manager): Promise<Outcome> => {
      // Held until commit: another kernel skips this row, and does not see it free
      // again before its chunks are there.
      if ((await runSql(manager, LOCK_ROW, [row.id])).length === 0) return "byOthers";
      if ((await runSql(manager, HAS_CHUNKS, [row.id])).length > 0) return "byOthers";
      const found = await copyFileIntoChunks(manager, row.id, file, { ifAbsent: true });
      if (found.sha256 !== expected.sha256 || found.size !== expected.size) {
        throw new FileMismatch(found, expected);
      }
      return "moved";
    });
  } catch (error) {
    if (error instanceof FileMismatch) {
      logger.warn(
        { attachmentId: row.id, file, expected: error.expected, found: error.found },
        "An attachment's file is not the one its row recorded: not moved into the database",
      );
      return "mismatched";
    }
    if (isMissingFile(error)) return "missing";
    throw error;
  }
}
