// The shapes that travel from the OCR pool to the field extraction.

export interface BoundingBox {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

export interface OcrLine {
  text: string;
  /** 0..100 as tesseract reports it. */
  confidence?: number;
  bbox?: BoundingBox;
  /** Glyph height in pixels (the tallest word box of the line): prominence on the page. */
  height?: number;
}

export interface OcrResult {
  text: string;
  /** Mean page confidence, 0..100. */
  confidence?: number;
  lines?: OcrLine[];
}
