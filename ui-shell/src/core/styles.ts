/**
 * Styles every shell component and plugin UI adopts, so a third-party plugin looks
 * like the rest. Colours and spacing are CSS custom properties set on the page (see
 * index.html), which reach into shadow roots: a theme changes them in one place.
 */
import { css } from "lit";

export const sharedStyles = css`
  :host {
    font: inherit;
    color: var(--roa-text);
    box-sizing: border-box;
  }
  *,
  *::before,
  *::after {
    box-sizing: inherit;
  }
  h1,
  h2,
  h3 {
    margin: 0 0 var(--roa-space-3);
    line-height: 1.25;
  }
  h1 {
    font-size: 1.4rem;
  }
  h2 {
    font-size: 1.15rem;
  }
  a {
    color: var(--roa-link);
  }
  button,
  .button {
    font: inherit;
    display: inline-flex;
    align-items: center;
    gap: var(--roa-space-1);
    min-height: 2.25rem;
    padding: 0 var(--roa-space-3);
    border: 1px solid var(--roa-border-strong);
    border-radius: var(--roa-radius);
    background: var(--roa-surface);
    color: var(--roa-text);
    cursor: pointer;
    text-decoration: none;
  }
  button:hover:not(:disabled) {
    background: var(--roa-surface-hover);
  }
  button.primary {
    background: var(--roa-primary);
    border-color: var(--roa-primary);
    color: var(--roa-on-primary);
  }
  button.primary:hover:not(:disabled) {
    background: var(--roa-primary-hover);
  }
  button.danger {
    color: var(--roa-danger);
    border-color: var(--roa-danger);
  }
  button:disabled {
    opacity: 0.55;
    cursor: not-allowed;
  }
  :focus-visible {
    outline: 3px solid var(--roa-focus);
    outline-offset: 2px;
  }
  input,
  select,
  textarea {
    font: inherit;
    min-height: 2.25rem;
    padding: 0 var(--roa-space-2);
    border: 1px solid var(--roa-border-strong);
    border-radius: var(--roa-radius);
    background: var(--roa-surface);
    color: var(--roa-text);
    max-width: 100%;
  }
  textarea {
    padding: var(--roa-space-2);
  }
  input[aria-invalid="true"] {
    border-color: var(--roa-danger);
  }
  label {
    display: grid;
    gap: var(--roa-space-1);
    font-size: 0.9rem;
    color: var(--roa-text-muted);
  }
  .card {
    background: var(--roa-surface);
    border: 1px solid var(--roa-border);
    border-radius: var(--roa-radius-lg);
    padding: var(--roa-space-4);
  }
  .toolbar {
    display: flex;
    flex-wrap: wrap;
    gap: var(--roa-space-2);
    align-items: end;
    margin-bottom: var(--roa-space-3);
  }
  .muted {
    color: var(--roa-text-muted);
  }
  .error-text {
    color: var(--roa-danger);
  }
  .num {
    text-align: right;
    font-variant-numeric: tabular-nums;
  }
  .visually-hidden {
    position: absolute;
    width: 1px;
    height: 1px;
    overflow: hidden;
    clip: rect(0 0 0 0);
    white-space: nowrap;
  }
  table {
    border-collapse: collapse;
    width: 100%;
  }
  th,
  td {
    padding: var(--roa-space-2);
    border-bottom: 1px solid var(--roa-border);
    text-align: left;
    vertical-align: top;
  }
  th {
    font-weight: 600;
    color: var(--roa-text-muted);
    font-size: 0.85rem;
  }
  /*
   * A table in <roa-table-scroll> keeps its first column (the row's name) in view
   * while the rest scrolls under it. :where() keeps this at no specificity, so a
   * page's own cell background (a totals row) still wins over the plain surface.
   */
  :where(roa-table-scroll th:first-child, roa-table-scroll td:first-child:not([colspan])) {
    position: sticky;
    left: 0;
    z-index: 1;
    background: var(--roa-surface);
  }
  :where(roa-table-scroll[overflow-start] th:first-child, roa-table-scroll[overflow-start] td:first-child:not([colspan])) {
    box-shadow: 6px 0 6px -4px rgb(0 0 0 / 0.25);
  }
`;
