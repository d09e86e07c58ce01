/**
 * The shape every export shares: a titled table of typed columns, written row by row
 * to a file writer (xlsx or PDF) that tells the producer when to wait for the reader.
 */
import type { Readable } from "node:stream";

/** How a column's values are stored and shown. `date` values are `YYYY-MM-DD` strings. */
export type ColumnKind = "text" | "amount" | "date" | "integer";

export interface Column {
  header: string;
  kind: ColumnKind;
  /** Width in characters (xlsx) and the relative share of the page width (PDF). */
  width: number;
}

export type Cell = string | number | null;

export interface TableDocument {
  /** The report's name: the first line of the title, the sheet's and the PDF's title. */
  title: string;
  /** Lines under the title: company, period, filters, generated at. */
  subtitle: readonly string[];
  /**
   * Key amounts under the subtitle (the dashboard's revenue, cash, …): in xlsx a label
   * and a number cell with the amount format, so they can be summed; in PDF one line each.
   */
  figures?: ReadonlyArray<{ label: string; amount: number }>;
  columns: readonly Column[];
}

/** A file being written. Every method after `end` or after the reader left rejects. */
export interface TableWriter {
  /** The file's bytes, to be sent as the response body. */
  readonly output: Readable;
  /** Writes one row; resolves when the reader has room for more. */
  row(cells: readonly Cell[]): Promise<void>;
  /** Writes the totals row (bold, after a gap) and finishes the file. */
  end(totals?: readonly Cell[]): Promise<void>;
}

export type TableFormat = "xlsx" | "pdf";

export const CONTENT_TYPES: Readonly<Record<TableFormat, string>> = {
  xlsx: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
  pdf: "application/pdf",
};

/** Thrown into the producer when the reader went away; never reaches the client. */
export class ExportAbortedError extends Error {
  constructor() {
    super("The export's reader went away");
    this.name = "ExportAbortedError";
  }
}

/**
 * Waits until `stream` has room again ('drain'), or rejects once `signal` says the
 * reader left, so a producer parked on a reader that never comes back is released.
 */
export function waitForRoom(
  stream: NodeJS.EventEmitter & { writableNeedDrain: boolean },
  signal: AbortSignal,
): Promise<void> {
  if (signal.aborted) return Promise.reject(new ExportAbortedError());
  if (!stream.writableNeedDrain) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const onDrain = () => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    };
    const onAbort = () => {
      stream.removeListener("drain", onDrain);
      reject(new ExportAbortedError());
    };
    stream.once("drain", onDrain);
    signal.addEventListener("abort", onAbort, { once: true });
  });
}

/** `2025-06-30` → the spreadsheet day number (days since 1899-12-30). */
export function spreadsheetDay(date: string): number {
  return (Date.parse(`${date}T00:00:00Z`) - Date.UTC(1899, 11, 30)) / 86_400_000;
}

/** `2025-06-30` → `30.06.2025`, the way Romanian documents write dates. */
export function displayDate(date: string): string {
  return `${date.slice(8, 10)}.${date.slice(5, 7)}.${date.slice(0, 4)}`;
}

const amountFormat = new Intl.NumberFormat("ro-RO", {
  minimumFractionDigits: 2,
  maximumFractionDigits: 2,
});

/** `1234567.5` → `1.234.567,50`. */
export function displayAmount(value: number): string {
  return amountFormat.format(value);
}
