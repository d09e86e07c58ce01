/** What every part of the receipt page shares, beside the shell's `sharedStyles`. */
import { css } from "@roa2web/ui-shell/api";

export const partStyles = css`
  /* A part adds no box of its own: its sections are items of the page's grid, spaced
     by the page's gap as before the page was split (and a part with nothing to show
     takes no gap). */
  :host {
    display: contents;
  }
  section.card h2 {
    margin-bottom: var(--roa-space-3);
  }
  .actions {
    display: flex;
    flex-wrap: wrap;
    gap: var(--roa-space-2);
    align-items: center;
    margin-top: var(--roa-space-3);
  }
  .field-error {
    color: var(--roa-danger);
    font-size: 0.85rem;
  }
  .error-detail {
    display: block;
    color: var(--roa-text-muted);
    overflow-wrap: anywhere;
  }
`;
