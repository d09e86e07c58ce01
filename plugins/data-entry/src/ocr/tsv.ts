// Reads tesseract's TSV output into lines with geometry. TSV is a flat string: it
// crosses the worker boundary far cheaper than the nested `blocks` tree (every symbol
// and choice as an object), which kept the event loop busy for tens of milliseconds.
import type { OcrLine } from "./types.js";

interface Word {
  text: string;
  left: number;
  top: number;
  right: number;
  bottom: number;
  confidence: number;
}

/** Columns: level page block paragraph line word left top width height conf text. */
export function linesFromTsv(tsv: string): OcrLine[] {
  const groups = new Map<string, Word[]>();
  for (const row of tsv.split("\n")) {
    const cells = row.split("\t");
    if (cells[0] !== "5" || cells.length < 12) continue;
    const text = cells.slice(11).join("\t").trim();
    if (text === "") continue;
    const [left, top, width, height, confidence] = cells.slice(6, 11).map(Number);
    if (left === undefined || top === undefined || width === undefined || height === undefined)
      continue;
    const key = `${cells[1]}:${cells[2]}:${cells[3]}:${cells[4]}`;
    const words = groups.get(key) ?? [];
    words.push({
      text,
      left,
      top,
      right: left + width,
      bottom: top + height,
      confidence: confidence ?? 0,
    });
    groups.set(key, words);
  }
  const lines: OcrLine[] = [];
  for (const words of groups.values()) {
    words.sort((a, b) => a.left - b.left);
    const heights = words
      .filter((word) => /[\p{L}\p{N}]/u.test(word.text))
      .map((word) => word.bottom - word.top)
      .sort((a, b) => a - b);
    // The tallest word: a median would rank "real GmbH" (lower case) below an item line.
    const height = heights.at(-1) ?? 0;
    // Keep wide gaps visible (receipts align amounts in columns): two spaces or more.
    let text = "";
    let previous: Word | undefined;
    for (const word of words) {
      if (previous) text += word.left - previous.right > height * 0.9 ? "   " : " ";
      text += word.text;
      previous = word;
    }
    lines.push({
      text,
      confidence: words.reduce((sum, word) => sum + word.confidence, 0) / words.length,
      bbox: {
        x0: Math.min(...words.map((word) => word.left)),
        y0: Math.min(...words.map((word) => word.top)),
        x1: Math.max(...words.map((word) => word.right)),
        y1: Math.max(...words.map((word) => word.bottom)),
      },
      height,
    });
  }
  return lines;
}
