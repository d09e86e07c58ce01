/**
 * The plain rules behind the notes UI, apart from the DOM so vitest runs them in Node:
 * which page the address asks for, and which form field a server error is about.
 */

/** The form fields a validation error can point at. */
export type NoteField = "title" | "body";

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

/**
 * The field a failed request's error is about. The plugin's own checks name it in
 * `details.field`; the kernel's schema validation names it at the start of the
 * message (`body.title must NOT have more than 200 characters`).
 */
export function fieldOfError(error: unknown): NoteField | undefined {
  if (typeof error !== "object" || error === null) return undefined;
  const { code, details, message } = error as {
    code?: unknown;
    details?: unknown;
    message?: unknown;
  };
  if (code !== "VALIDATION_FAILED") return undefined;
  const field = (details as { field?: unknown } | undefined)?.field;
  if (field === "title" || field === "body") return field;
  const named = typeof message === "string" ? /^body\.(title|body)\b/.exec(message) : null;
  return (named?.[1] as NoteField | undefined) ?? undefined;
}
