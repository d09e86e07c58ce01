// PDFs built in the test with pdfkit: a receipt with a text layer, a scan saved as PDF,
// a password-protected one and one with nothing to read.
import PDFDocument from "pdfkit";

type Draw = (document: PDFKit.PDFDocument) => void;

export function pdf(draw: Draw, options: PDFKit.PDFDocumentOptions = {}): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const document = new PDFDocument({ size: "A4", margin: 40, ...options });
    const chunks: Buffer[] = [];
    document.on("data", (chunk: Buffer) => chunks.push(chunk));
    document.on("end", () => resolve(Buffer.concat(chunks)));
    document.on("error", reject);
    draw(document);
    document.end();
  });
}

/** A receipt as an e-mailed PDF: a large shop name, lines with amounts in a right column. */
export function textReceiptPdf(
  lines: ReadonlyArray<string | [string, string]>,
  options: PDFKit.PDFDocumentOptions = {},
): Promise<Buffer> {
  return pdf((document) => {
    let y = 60;
    for (const [index, line] of lines.entries()) {
      const size = index === 0 ? 22 : 11;
      document.fontSize(size);
      if (Array.isArray(line)) {
        document.text(line[0], 60, y, { lineBreak: false });
        // The amount in its own text run, right-aligned far to the right: a column.
        const amount = line[1];
        document.text(amount, 400 - document.widthOfString(amount), y, { lineBreak: false });
      } else {
        document.text(line, 60, y, { lineBreak: false });
      }
      y += size * 1.5;
    }
  }, options);
}

/** A scan saved as PDF: one page with only the image on it. */
export function scanPdf(image: Buffer): Promise<Buffer> {
  return pdf((document) => {
    document.image(image, 40, 40, { fit: [515, 760] });
  });
}
