/**
 * <reports-chart>: a bar or line chart of monthly series. Chart.js arrives with a
 * dynamic import (its own chunk) after the element is on the page; the canvas sits in
 * this element's shadow root and follows its container's width. Colours come from
 * the theme's --roa-chart-1…4. For screen readers the canvas carries a summary and a
 * visually hidden table holds every figure; if the chart cannot be drawn, that table
 * is shown instead. The chart is destroyed when the element leaves the page.
 * The axis is in one unit (thousands of the currency, named in the caption and on the
 * axis); a month still in progress is hatched (bars) or dashed (line), with a note.
 */

import {
  css,
  formatMoney,
  html,
  LitElement,
  localeTag,
  nothing,
  type PropertyValues,
  sharedStyles,
  t,
} from "@roa2web/ui-shell/api";
import type { ChartConfiguration, TooltipItem } from "chart.js";
import type { Chart } from "./chart-setup.js";

export interface ChartSeries {
  label: string;
  values: readonly number[];
}

/** A month whose figures are not complete yet (the current one), and the note that says so. */
export interface PartialMonth {
  index: number;
  note: string;
}

type Kind = "bar" | "line";
type State = "loading" | "ready" | "failed";

const FALLBACK_COLOURS = ["#0b5cad", "#d9480f", "#2b8a3e", "#862e9c"];

export class ReportsChart extends LitElement {
  static override properties = {
    kind: {},
    firstColour: { type: Number, attribute: "first-colour" },
    caption: {},
    labels: { attribute: false },
    series: { attribute: false },
    partial: { attribute: false },
    unit: {},
    locale: {},
    state: { state: true },
  };
  static override styles = [
    sharedStyles,
    css`
      :host {
        display: block;
        min-width: 0;
      }
      figure {
        margin: 0;
      }
      figcaption {
        font-weight: 600;
        margin-bottom: var(--roa-space-2);
      }
      .box {
        position: relative;
        height: var(--reports-chart-height, 16rem);
        min-width: 0;
      }
      canvas {
        display: block;
      }
      .overlay {
        position: absolute;
        inset: 0;
        display: grid;
        place-items: center;
        margin: 0;
      }
      .unit {
        font-weight: normal;
        color: var(--roa-text-muted);
      }
      .partial-note {
        display: flex;
        align-items: center;
        gap: var(--roa-space-2);
        margin: var(--roa-space-2) 0 0;
        font-size: 0.85em;
      }
      .swatch {
        flex: none;
        width: 0.9rem;
        height: 0.9rem;
        border: 1px solid var(--roa-text-muted);
        background: repeating-linear-gradient(
          45deg,
          var(--roa-text-muted) 0 2px,
          transparent 2px 5px
        );
      }
      .swatch.line {
        height: 0;
        border: none;
        border-top: 2px dashed var(--roa-text-muted);
        background: none;
      }
      table.shown {
        position: static;
        width: 100%;
        height: auto;
        overflow: visible;
        clip: auto;
        white-space: normal;
      }
    `,
  ];

  declare kind: Kind;
  /** Which --roa-chart-N the first series takes (the next ones follow). */
  declare firstColour: number;
  declare caption: string;
  declare labels: readonly string[];
  declare series: readonly ChartSeries[];
  declare partial: PartialMonth | null;
  /** The axis unit, e.g. "mii lei": values are shown in thousands. */
  declare unit: string;
  declare locale: string;
  declare state: State;

  #chart: Chart<"bar" | "line", number[], string> | undefined;
  #creating = false;

  constructor() {
    super();
    this.kind = "bar";
    this.firstColour = 1;
    this.caption = "";
    this.labels = [];
    this.series = [];
    this.partial = null;
    this.unit = "";
    this.locale = "ro";
    this.state = "loading";
  }

  override connectedCallback(): void {
    super.connectedCallback();
    // Back on the page after a disconnect: the chart was destroyed, draw it again.
    if (this.hasUpdated) this.requestUpdate();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#chart?.destroy();
    this.#chart = undefined;
    this.removeAttribute("data-ready");
  }

  override render() {
    const labels = this.labels;
    const summary = t("reports.chart.summary", {
      caption: this.caption,
      count: labels.length,
      first: labels[0] ?? "—",
      last: labels.at(-1) ?? "—",
    });
    return html`<figure>
      <figcaption>
        ${this.caption}${this.unit ? html` <span class="unit">(${this.unit})</span>` : nothing}
      </figcaption>
      <div class="box" ?hidden=${this.state === "failed"}>
        <canvas role="img" aria-label=${summary}></canvas>
        ${
          this.state === "loading"
            ? html`<p class="overlay muted" aria-hidden="true">${t("reports.chart.loading")}</p>`
            : nothing
        }
      </div>
      ${
        this.partial
          ? html`<p class="partial-note muted" data-testid="partial-month">
              <span class="swatch ${this.kind}" aria-hidden="true"></span>${this.partial.note}
            </p>`
          : nothing
      }
      ${this.state === "failed" ? html`<p class="muted">${t("reports.chart.failed")}</p>` : nothing}
      <!-- A table ignores a width below its content: the 1px hidden box wraps it instead. -->
      <div class=${this.state === "failed" ? "" : "visually-hidden"}>
      <table class=${this.state === "failed" ? "shown" : ""}>
        <caption>${this.caption}</caption>
        <thead>
          <tr>
            <th scope="col">${t("reports.chart.month")}</th>
            ${this.series.map((series) => html`<th scope="col" class="num">${series.label}</th>`)}
          </tr>
        </thead>
        <tbody>
          ${labels.map(
            (label, index) =>
              html`<tr>
                <th scope="row">
                  ${label}${index === this.partial?.index ? ` (${t("reports.chart.partialShort")})` : ""}
                </th>
                ${this.series.map(
                  (series) => html`<td class="num">${formatMoney(series.values[index])}</td>`,
                )}
              </tr>`,
          )}
        </tbody>
      </table>
      </div>
    </figure>`;
  }

  protected override updated(changed: PropertyValues<this>): void {
    if (!this.#chart) {
      void this.#create();
      return;
    }
    if (
      changed.has("labels") ||
      changed.has("series") ||
      changed.has("locale") ||
      changed.has("partial") ||
      changed.has("unit")
    ) {
      const config = this.#config();
      this.#chart.data = config.data;
      if (config.options) this.#chart.options = config.options;
      this.#chart.update();
    }
  }

  async #create(): Promise<void> {
    if (this.#creating || !this.isConnected) return;
    this.#creating = true;
    try {
      const { createChart } = await import("./chart-setup.js");
      const canvas = this.renderRoot.querySelector("canvas");
      // Gone while the code loaded, or drawn by a concurrent call: nothing to do.
      if (!this.isConnected || this.#chart || !canvas) return;
      this.#chart = createChart(canvas, this.#config(), getComputedStyle(this).fontFamily);
      this.state = "ready";
      this.setAttribute("data-ready", "");
    } catch (error) {
      console.error("[reports] chart:", error);
      this.state = "failed";
    } finally {
      this.#creating = false;
    }
  }

  #config(): ChartConfiguration<"bar" | "line", number[], string> {
    const style = getComputedStyle(this);
    const read = (name: string, fallback: string) =>
      style.getPropertyValue(name).trim() || fallback;
    const colours = FALLBACK_COLOURS.map((fallback, index) =>
      read(`--roa-chart-${index + 1}`, fallback),
    );
    const text = read("--roa-text-muted", "#57606a");
    const grid = read("--roa-border", "#d8dee4");
    // One unit on the axis: thousands, never "1,2 mil." beside "800 K".
    const thousands = new Intl.NumberFormat(localeTag(), { maximumFractionDigits: 0 });
    const partialIndex = this.partial?.index ?? -1;
    const reducedMotion = window.matchMedia?.("(prefers-reduced-motion: reduce)").matches;
    const line = this.kind === "line";
    return {
      type: this.kind,
      data: {
        labels: [...this.labels],
        datasets: this.series.map((series, index) => {
          const colour = colours[(this.firstColour - 1 + index) % colours.length] ?? "#0b5cad";
          const hatched = hatch(colour);
          return {
            label: series.label,
            data: [...series.values],
            backgroundColor: (context: { dataIndex: number }) =>
              context.dataIndex === partialIndex && !line ? hatched : colour,
            borderColor: colour,
            borderWidth: line
              ? 2
              : (context: { dataIndex: number }) => (context.dataIndex === partialIndex ? 1 : 0),
            pointRadius: line ? 3 : 0,
            pointBackgroundColor: (context: { dataIndex: number }) =>
              context.dataIndex === partialIndex ? "#ffffff" : colour,
            // The line into the month in progress is dashed.
            segment: {
              borderDash: (context: { p1DataIndex: number }) =>
                context.p1DataIndex === partialIndex ? [5, 4] : undefined,
            },
            maxBarThickness: 28,
          };
        }),
      },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        locale: localeTag(),
        animation: reducedMotion ? false : { duration: 300 },
        interaction: { mode: "index", intersect: false },
        plugins: {
          legend: { position: "bottom", labels: { color: text, boxWidth: 12 } },
          tooltip: {
            callbacks: {
              label: (item: TooltipItem<"bar" | "line">) =>
                `${item.dataset.label ?? ""}: ${formatMoney(item.parsed.y)}`,
            },
          },
        },
        scales: {
          x: { ticks: { color: text }, grid: { display: false } },
          y: {
            title: { display: this.unit !== "", text: this.unit, color: text },
            ticks: { color: text, callback: (value) => thousands.format(Number(value) / 1000) },
            grid: { color: grid },
          },
        },
      },
    };
  }
}

/** Diagonal stripes of `colour` on white: a bar whose month is not over yet. */
function hatch(colour: string): CanvasPattern | string {
  const tile = document.createElement("canvas");
  tile.width = 8;
  tile.height = 8;
  const context = tile.getContext("2d");
  if (!context) return colour;
  context.fillStyle = "#ffffff";
  context.fillRect(0, 0, 8, 8);
  context.strokeStyle = colour;
  context.lineWidth = 2;
  context.beginPath();
  context.moveTo(0, 8);
  context.lineTo(8, 0);
  context.moveTo(-2, 2);
  context.lineTo(2, -2);
  context.moveTo(6, 10);
  context.lineTo(10, 6);
  context.stroke();
  return context.createPattern(tile, "repeat") ?? colour;
}

if (!customElements.get("reports-chart")) customElements.define("reports-chart", ReportsChart);
