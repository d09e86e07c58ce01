/**
 * The status badge shared by the list and the receipt page. Styled inline: in the list
 * it renders inside <roa-data-table>'s shadow root, where this plugin's styles do not
 * reach.
 */
import { html, t } from "@roa2web/ui-shell/api";
import type { ReceiptStatus } from "./types.js";

const COLOURS: Record<ReceiptStatus, string> = {
  DRAFT: "var(--roa-text-muted)",
  PENDING: "var(--roa-warning)",
  APPROVED: "var(--roa-success)",
  REJECTED: "var(--roa-danger)",
};

export function statusLabel(status: ReceiptStatus): string {
  return t(`data-entry.status.${status}`);
}

export function statusBadge(status: ReceiptStatus) {
  const style = `display:inline-block;padding:0.1rem 0.55rem;border-radius:999px;font-size:0.8rem;font-weight:600;border:1px solid currentColor;white-space:nowrap;color:${COLOURS[status]}`;
  return html`<span class="badge" style=${style} data-status=${status}>${statusLabel(status)}</span>`;
}
