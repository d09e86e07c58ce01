/**
 * Moves rows from a source to a file writer at the reader's pace, and always closes
 * the source: when the file is done, when the reader leaves (so the ERP query stops
 * and its connection goes back), and when the source fails.
 */
import { type Cell, ExportAbortedError, type TableWriter } from "./table.js";

const YIELD_EVERY_ROWS = 256;

export interface ExportOutcome {
  /** Data rows written (the totals row not counted). */
  rows: number;
  /** The reader went away before the end. */
  aborted: boolean;
  /** The source or the writer failed after the first byte (the response is cut short). */
  error?: unknown;
}

/**
 * Pulls the first row before anything is sent, so a query that fails at once still
 * answers a JSON error; the caller then sends `writer.output` and calls `run`.
 */
export interface PrimedRows {
  /** Writes every row, then the totals, into `writer`; always closes the source. */
  run(writer: TableWriter, totals: () => readonly Cell[] | undefined): Promise<ExportOutcome>;
  /** Closes the source without writing (the file could not be started). */
  close(): Promise<void>;
}

export async function primeRows(rows: AsyncIterable<readonly Cell[]>): Promise<PrimedRows> {
  const iterator = rows[Symbol.asyncIterator]();
  let first: IteratorResult<readonly Cell[]>;
  try {
    first = await iterator.next();
  } catch (error) {
    await iterator.return?.();
    throw error;
  }
  return {
    async run(writer, totals) {
      let count = 0;
      try {
        let next = first;
        while (!next.done) {
          await writer.row(next.value);
          count++;
          // A source that never waits (a fast cursor) would starve the event loop:
          // streams flow, and a client's disconnect is seen, only between macrotasks.
          if (count % YIELD_EVERY_ROWS === 0) await new Promise((resolve) => setImmediate(resolve));
          next = await iterator.next();
        }
        await writer.end(totals());
        return { rows: count, aborted: false };
      } catch (error) {
        if (error instanceof ExportAbortedError) return { rows: count, aborted: true };
        writer.output.destroy(error instanceof Error ? error : new Error(String(error)));
        return { rows: count, aborted: false, error };
      } finally {
        // Ends the ERP query early when the loop stopped before the last row.
        await iterator.return?.();
      }
    },
    async close() {
      await iterator.return?.();
    },
  };
}

/** Maps a source's rows to cells; `undefined` skips a row (folds keep state between rows). */
export async function* cellsOf<T>(
  rows: AsyncIterable<T>,
  toCells: (row: T) => readonly Cell[] | undefined,
  last?: () => readonly Cell[] | undefined,
): AsyncGenerator<readonly Cell[]> {
  for await (const row of rows) {
    const cells = toCells(row);
    if (cells) yield cells;
  }
  const tail = last?.();
  if (tail) yield tail;
}
