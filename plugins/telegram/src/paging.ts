/**
 * Long lists in chat: one page per message, with ◀ / ▶ buttons that edit the message
 * in place. The button's callback data says which list, company and page, and whose
 * list it is; it stays far below Telegram's 64-byte limit (see `encodePage`).
 */

/** Which list a page belongs to: invoices, treasury accounts, companies. */
export type ListKind = "invoices" | "treasury" | "companies";

export interface PageRef {
  kind: ListKind;
  /** The company the list is of (0 for the company list). */
  company: number;
  /** 1-based. */
  page: number;
  /** The Telegram user the list was shown to: only they may turn its pages. */
  owner: number;
}

/** Telegram refuses callback data over 64 bytes. */
export const MAX_CALLBACK_BYTES = 64;
/** Callback data of the "page x of y" button between the arrows: answered, nothing else. */
export const PAGE_LABEL_DATA = "pg:-";

const KIND_CODES: Record<ListKind, string> = { invoices: "i", treasury: "t", companies: "c" };
const KINDS_BY_CODE = new Map(Object.entries(KIND_CODES).map(([kind, code]) => [code, kind]));
const PAGE_DATA = /^pg:([a-z]):([0-9a-z]{1,8}):([0-9a-z]{1,6}):([0-9a-z]{1,13})$/;

/**
 * `pg:<kind>:<company>:<page>:<owner>` with the numbers in base 36: at most
 * 3 + 2 + 9 + 7 + 13 = 34 bytes for any safe integers that fit the pattern.
 */
export function encodePage(ref: PageRef): string {
  const data = [
    "pg",
    KIND_CODES[ref.kind],
    ref.company.toString(36),
    ref.page.toString(36),
    ref.owner.toString(36),
  ].join(":");
  if (Buffer.byteLength(data) > MAX_CALLBACK_BYTES) {
    throw new Error(`callback data over ${MAX_CALLBACK_BYTES} bytes: ${data}`);
  }
  return data;
}

/** The page a button asks for, or undefined when the data is not one of ours. */
export function decodePage(data: string): PageRef | undefined {
  const match = PAGE_DATA.exec(data);
  if (match === null) return undefined;
  const [, kindCode = "", company = "", page = "", owner = ""] = match;
  const kind = KINDS_BY_CODE.get(kindCode) as ListKind | undefined;
  const numbers = [company, page, owner].map((part) => Number.parseInt(part, 36));
  const [companyId = Number.NaN, pageNumber = Number.NaN, ownerId = Number.NaN] = numbers;
  if (kind === undefined || !numbers.every(Number.isSafeInteger) || pageNumber < 1) {
    return undefined;
  }
  return { kind, company: companyId, page: pageNumber, owner: ownerId };
}

export interface PagerButton {
  text: string;
  callback_data: string;
}

/**
 * The row under a page: ◀ (when there is a previous page), "x / y", ▶ (when there is
 * a next one). No row for a list of one page.
 */
export function pagerRow(ref: PageRef, pages: number): PagerButton[] {
  if (pages <= 1) return [];
  const row: PagerButton[] = [];
  if (ref.page > 1)
    row.push({ text: "◀", callback_data: encodePage({ ...ref, page: ref.page - 1 }) });
  row.push({ text: `${ref.page} / ${pages}`, callback_data: PAGE_LABEL_DATA });
  if (ref.page < pages) {
    row.push({ text: "▶", callback_data: encodePage({ ...ref, page: ref.page + 1 }) });
  }
  return row;
}

/** The page to show: the one asked for, or the last one when the list has shrunk since. */
export function clampPage(page: number, pages: number): number {
  return Math.max(1, Math.min(page, Math.max(pages, 1)));
}

/** The items of one page of an in-memory list, with the page count. */
export function slicePage<T>(
  items: readonly T[],
  page: number,
  pageSize: number,
): { items: T[]; page: number; pages: number } {
  const pages = Math.max(1, Math.ceil(items.length / pageSize));
  const shown = clampPage(page, pages);
  return { items: items.slice((shown - 1) * pageSize, shown * pageSize), page: shown, pages };
}
