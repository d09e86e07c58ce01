/**
 * The plain rules behind the notes UI, apart from the DOM so vitest runs them in Node:
 * which page the address asks for. (Which form field a server error is about is the
 * shell's `describeFieldError`.)
 */

/** `?page=3` → 3; anything that is not a whole number from 1 → the first page. */
export function pageFromQuery(query: URLSearchParams): number {
  const text = query.get("page") ?? "";
  const page = Number(text);
  return /^\d+$/.test(text) && Number.isSafeInteger(page) && page >= 1 ? page : 1;
}

/** What goes back into the address for a page: nothing for the first one. */
export function pageToQuery(page: number): { page?: number } {
  return page > 1 ? { page } : {};
}

/**
 * The page to show instead when the one asked for lies past the end (the last note
 * of the last page was deleted, or a shared link is out of date); undefined when the
 * page is fine.
 */
export function pageInRange(page: {
  page: number;
  pages: number;
  total: number;
}): number | undefined {
  return page.total > 0 && page.page > page.pages ? page.pages : undefined;
}
