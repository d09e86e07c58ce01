// Renders a small receipt as a PNG (sharp + SVG text) so pool tests need no scans.
import sharp from "sharp";

export const SYNTHETIC_LINES = [
  "BACKEREI MULLER",
  "Hauptstrasse 12",
  "33100 Paderborn",
  "Brot 3,49 A",
  "Kaffee 2,10 A",
  "SUMME EUR 5,59",
  "Datum 12.06.2024 14:22",
];

export async function syntheticReceipt(lines = SYNTHETIC_LINES): Promise<Buffer> {
  const lineHeight = 48;
  const width = 700;
  // Portrait, like a receipt (blank paper below the text): a landscape image makes the
  // pool compare orientations first (orientation.ts), which costs extra passes.
  const height = Math.max(40 + lines.length * lineHeight, width + 100);
  const text = lines
    .map((line, index) => {
      const size = index === 0 ? 40 : 28;
      const y = 50 + index * lineHeight;
      const escaped = line.replace(/&/g, "&amp;").replace(/</g, "&lt;");
      return `<text x="30" y="${y}" font-family="DejaVu Sans Mono, monospace" font-size="${size}">${escaped}</text>`;
    })
    .join("");
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><rect width="100%" height="100%" fill="white"/>${text}</svg>`;
  return sharp(Buffer.from(svg)).png().toBuffer();
}
