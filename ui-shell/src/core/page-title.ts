/**
 * The document title names the page ("Facturi clienți — roa2web"), in the UI's
 * language, for the browser's tabs, history and screen readers. The shell titles its
 * own pages and, by default, a plugin's with the plugin's title; a plugin page names
 * itself more precisely by announcing its title, an event up to the shell.
 */
export const PAGE_TITLE_EVENT = "roa-page-title";

/** What the shell puts in `document.title` for a page called `page`. */
export function documentTitle(page: string): string {
  return page ? `${page} — roa2web` : "roa2web";
}

/**
 * Tells the shell the title of the page `from` shows. Call it after each render (the
 * language or the page's own state may have changed it); the shell keeps it for the
 * current address only, so a page left behind never titles the next one.
 */
export function announcePageTitle(from: Element, title: string): void {
  from.dispatchEvent(
    new CustomEvent<string>(PAGE_TITLE_EVENT, { detail: title, bubbles: true, composed: true }),
  );
}
