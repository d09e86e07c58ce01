/**
 * A streaming PDF table writer on pdfkit: A4 landscape, the title on the first page,
 * the column header repeated on every page, page numbers, amounts right-aligned.
 * pdfkit writes each page out when the next one starts, so memory stays flat; it
 * ignores its reader's backpressure, so this writer waits on its own output instead.
 * The font is DejaVu Sans Condensed (from the `dejavu-fonts-ttf` package, embedded
 * and subset), which has every Romanian letter (ă â î ș ț), comma-below included.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { PassThrough } from "node:stream";
import PDFDocument from "pdfkit";
import {
  type Cell,
  type Column,
  displayAmount,
  displayDate,
  ExportAbortedError,
  type TableDocument,
  type TableWriter,
  waitForRoom,
} from "./table.js";

export interface PdfFonts {
  regular: Buffer;
  bold: Buffer;
}

/** Reads the two TTF files from the installed `dejavu-fonts-ttf` package (once, at start). */
export function loadPdfFonts(): PdfFonts {
  const packageJson = createRequire(import.meta.url).resolve("dejavu-fonts-ttf/package.json");
  const folder = path.join(path.dirname(packageJson), "ttf");
  return {
    regular: readFileSync(path.join(folder, "DejaVuSansCondensed.ttf")),
    bold: readFileSync(path.join(folder, "DejaVuSansCondensed-Bold.ttf")),
  };
}

export interface PdfOptions {
  fonts: PdfFonts;
  generatedAt: Date;
}

const MARGIN = 28;
const FONT_SIZE = 8;
const ROW_HEIGHT = 12;
const CELL_PADDING = 3;
/**
 * Extra space before a left-aligned cell that follows a right-aligned one: an amount
 * ends at its column's right edge, and "1.792,66 Neachitată" read as one text.
 */
const GAP_AFTER_NUMBER = 9;
const FOOTER_GAP = 16;

export function createPdfWriter(document: TableDocument, options: PdfOptions): TableWriter {
  const pdf = new PDFDocument({
    size: "A4",
    layout: "landscape",
    margin: MARGIN,
    autoFirstPage: false,
    info: { Title: document.title, Creator: "roa2web", CreationDate: options.generatedAt },
  });
  const output = new PassThrough();
  const aborted = new AbortController();
  let finished = false;

  pdf.registerFont("regular", options.fonts.regular);
  pdf.registerFont("bold", options.fonts.bold);
  for (const font of ["regular", "bold"]) layoutByCharacter(pdf.font(font));
  // pdfkit pushes as it draws and never waits: copy to `output`, whose fill level
  // (writableNeedDrain) is what the producer waits on.
  pdf.on("data", (chunk: Buffer) => {
    if (!aborted.signal.aborted) output.write(chunk);
  });
  pdf.on("end", () => output.end());
  pdf.on("error", (error: Error) => output.destroy(error));
  output.once("close", () => aborted.abort());

  const columns = layoutColumns(document.columns);
  let page = 0;
  let y = 0;
  let bottom = 0;

  function startPage(): void {
    pdf.addPage();
    page++;
    y = MARGIN;
    bottom = pdf.page.height - MARGIN - FOOTER_GAP;
    if (page === 1) {
      pdf.font("bold").fontSize(13).text(document.title, MARGIN, y, { lineBreak: false });
      y += 18;
      pdf.font("regular").fontSize(FONT_SIZE + 1);
      for (const line of document.subtitle) {
        pdf.text(line, MARGIN, y, { lineBreak: false });
        y += ROW_HEIGHT;
      }
      // Key figures: labels in one column, amounts right-aligned in the next.
      const labelWidth = Math.max(0, ...(document.figures ?? []).map((f) => widthOf(f.label)));
      for (const figure of document.figures ?? []) {
        const amount = displayAmount(figure.amount);
        pdf.text(figure.label, MARGIN, y, { lineBreak: false });
        pdf.text(amount, MARGIN + labelWidth + 90 - widthOf(amount), y, { lineBreak: false });
        y += ROW_HEIGHT;
      }
      y += 6;
    }
    // The footer first: nothing later on this page can push it.
    useFont("regular");
    const footerY = pdf.page.height - MARGIN - FONT_SIZE;
    const footer = [document.title, document.subtitle[0], document.subtitle[1]]
      .filter(Boolean)
      .join(" · ");
    pdf.text(fit(footer, pdf.page.width / 2), MARGIN, footerY, { lineBreak: false });
    const pageLabel = `Pagina ${page}`;
    pdf.text(pageLabel, pdf.page.width - MARGIN - widthOf(pageLabel), footerY, {
      lineBreak: false,
    });
    drawRow(
      document.columns.map((column) => column.header),
      "bold",
      true,
    );
  }

  function drawRow(cells: readonly Cell[], font: "regular" | "bold", header = false): void {
    if (header) {
      pdf
        .rect(MARGIN, y - 2, pdf.page.width - 2 * MARGIN, ROW_HEIGHT + 1)
        .fill("#dde3ea")
        .fillColor("black");
    }
    useFont(font);
    cells.forEach((value, index) => {
      const column = columns[index];
      if (!column || value === null || value === "") return;
      const text = header ? String(value) : formatCell(value, column.kind);
      const left = column.x + CELL_PADDING + column.indent;
      const fitted = fit(text, column.width - 2 * CELL_PADDING - column.indent);
      // Amounts and counts line up on the right, their headers with them.
      const x = column.right ? column.x + column.width - CELL_PADDING - widthOf(fitted) : left;
      pdf.text(fitted, x, y, { lineBreak: false });
    });
    y += ROW_HEIGHT;
    if (header) {
      pdf
        .moveTo(MARGIN, y - 2)
        .lineTo(pdf.page.width - MARGIN, y - 2)
        .lineWidth(0.5)
        .stroke();
    }
  }

  function useFont(font: "regular" | "bold"): void {
    pdf.font(font).fontSize(FONT_SIZE);
  }

  // Cheap: the fonts lay text out from a per-character cache (layoutByCharacter).
  function widthOf(text: string): number {
    return pdf.widthOfString(text);
  }

  /** Cuts a text to `width` points with an ellipsis. */
  function fit(text: string, width: number): string {
    if (widthOf(text) <= width) return text;
    const characters = [...text];
    let used = widthOf("…");
    let kept = 0;
    while (kept < characters.length) {
      const next = used + widthOf(characters[kept] as string);
      if (next > width) break;
      used = next;
      kept++;
    }
    return `${characters.slice(0, kept).join("").trimEnd()}…`;
  }

  function layoutColumns(specs: readonly Column[]) {
    const available = 841.89 - 2 * MARGIN;
    const total = specs.reduce((sum, column) => sum + column.width, 0);
    let x = MARGIN;
    const right = (column: Column | undefined) =>
      column?.kind === "amount" || column?.kind === "integer";
    return specs.map((column, index) => {
      const width = (column.width / total) * available;
      const indent = !right(column) && right(specs[index - 1]) ? GAP_AFTER_NUMBER : 0;
      const placed = { kind: column.kind, x, width, right: right(column), indent };
      x += width;
      return placed;
    });
  }

  function room(): Promise<void> {
    return waitForRoom(output, aborted.signal);
  }

  startPage();

  return {
    output,
    row(cells) {
      if (finished) return Promise.reject(new Error("the PDF is finished"));
      if (aborted.signal.aborted) return Promise.reject(new ExportAbortedError());
      if (y + ROW_HEIGHT > bottom) startPage();
      drawRow(cells, "regular");
      return room();
    },
    async end(totals) {
      if (finished) return;
      if (aborted.signal.aborted) throw new ExportAbortedError();
      if (totals) {
        if (y + ROW_HEIGHT + 4 > bottom) startPage();
        pdf
          .moveTo(MARGIN, y)
          .lineTo(pdf.page.width - MARGIN, y)
          .lineWidth(0.5)
          .stroke();
        y += 3;
        drawRow(totals, "bold");
      }
      finished = true;
      pdf.end();
    },
  };
}

/** A glyph run as pdfkit's EmbeddedFont lays it out (positions already scaled). */
interface GlyphRun {
  glyphs: unknown[];
  positions: unknown[];
  advanceWidth: number;
}

interface EmbeddedFontInternals {
  layoutRun(text: string): GlyphRun;
  layout(text: string, features?: unknown, onlyWidth?: boolean): GlyphRun;
}

/**
 * Lays text out one character at a time from a per-character cache, instead of
 * pdfkit's per-word fontkit shaping. pdfkit caches every distinct word for the whole
 * document (its `layoutCache` grows with the row count), and without that cache
 * fontkit's shaper made a 20,000-row PDF four times slower and churned enough garbage
 * to grow the heap by 100+ MB. Table cells need no shaping: Romanian letters are
 * precomposed (ș, ț, ă), and kerning and ligatures are not missed in a table. This
 * replaces a method of pdfkit 0.20's font object (reached through `_font`), which the
 * package.json range pins; if it moves, the writer falls back to pdfkit's own layout
 * and bench/report-exports.mjs shows the cost.
 */
function layoutByCharacter(pdf: PDFKit.PDFDocument): void {
  const font = (pdf as unknown as { _font?: Partial<EmbeddedFontInternals> })._font;
  if (typeof font?.layoutRun !== "function" || typeof font.layout !== "function") return;
  const layoutRun = font.layoutRun.bind(font);
  const runs = new Map<string, GlyphRun>();
  font.layout = (text: string, _features?: unknown, onlyWidth?: boolean): GlyphRun => {
    const glyphs: unknown[] = [];
    const positions: unknown[] = [];
    let advanceWidth = 0;
    for (const character of text) {
      let run = runs.get(character);
      if (!run) {
        run = layoutRun(character);
        if (runs.size < 4096) runs.set(character, run);
      }
      if (!onlyWidth) {
        for (const glyph of run.glyphs) glyphs.push(glyph);
        for (const position of run.positions) positions.push(position);
      }
      advanceWidth += run.advanceWidth;
    }
    return { glyphs, positions, advanceWidth };
  };
}

function formatCell(value: Cell, kind: Column["kind"]): string {
  if (value === null) return "";
  if (typeof value === "number") return kind === "amount" ? displayAmount(value) : String(value);
  return kind === "date" && /^\d{4}-\d{2}-\d{2}$/.test(value) ? displayDate(value) : value;
}
