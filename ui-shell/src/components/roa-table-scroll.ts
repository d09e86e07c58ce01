/**
 * <roa-table-scroll>: the box a wide table scrolls in, so a phone scrolls the table
 * and never the page. It marks itself `overflow-start` / `overflow-end` while columns
 * are hidden on that side, and draws a fade there as the cue. The table stays in the
 * owner's shadow root (it is slotted), so the owner's styles still apply to it; the
 * sticky first column is in `sharedStyles` (`roa-table-scroll td:first-child`).
 */
import { css, html, LitElement } from "lit";

/** Pixels of slack: a sub-pixel scroll position is not a hidden column. */
const SLACK = 2;

export class RoaTableScroll extends LitElement {
  static override styles = css`
    :host {
      display: block;
      position: relative;
      min-width: 0;
      max-width: 100%;
    }
    .scroll {
      /* positioned: what a cell places absolutely (visually hidden text) stays inside */
      position: relative;
      overflow-x: auto;
      overscroll-behavior-x: contain;
      scrollbar-width: thin;
    }
    .edge {
      position: absolute;
      top: 0;
      bottom: 0;
      width: 1.5rem;
      pointer-events: none;
      opacity: 0;
      transition: opacity 0.15s;
    }
    .edge.end {
      right: 0;
      background: linear-gradient(to left, rgb(0 0 0 / 0.16), transparent);
      border-radius: 0 var(--roa-table-scroll-radius, 0) var(--roa-table-scroll-radius, 0) 0;
    }
    :host([overflow-end]) .edge.end {
      opacity: 1;
    }
  `;

  #observer: ResizeObserver | undefined;
  #frame = 0;

  override connectedCallback(): void {
    super.connectedCallback();
    this.#observer = new ResizeObserver(() => this.#schedule());
    this.#observer.observe(this);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#observer?.disconnect();
    cancelAnimationFrame(this.#frame);
  }

  override render() {
    return html`<div class="scroll" @scroll=${this.#schedule}>
        <slot @slotchange=${this.#observeSlotted}></slot>
      </div>
      <div class="edge end" aria-hidden="true"></div>`;
  }

  /** The table's own size changes (rows loaded, columns added) without this box's. */
  #observeSlotted(event: Event): void {
    for (const element of (event.target as HTMLSlotElement).assignedElements()) {
      this.#observer?.observe(element);
    }
    this.#schedule();
  }

  #schedule(): void {
    cancelAnimationFrame(this.#frame);
    this.#frame = requestAnimationFrame(() => this.#measure());
  }

  #measure(): void {
    const box = this.renderRoot.querySelector<HTMLElement>(".scroll");
    if (!box) return;
    // scrollLeft is negative in right-to-left layouts: measure distances from both ends.
    const start = Math.abs(box.scrollLeft);
    const end = box.scrollWidth - box.clientWidth - start;
    this.toggleAttribute("overflow-start", start > SLACK);
    this.toggleAttribute("overflow-end", end > SLACK);
  }
}
customElements.define("roa-table-scroll", RoaTableScroll);
