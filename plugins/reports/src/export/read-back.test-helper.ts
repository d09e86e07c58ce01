/** Test helpers: collect a stream, unzip an xlsx, read a PDF's pages and text. */
import type { Readable } from "node:stream";
import yauzl from "yauzl";

export async function collect(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks);
}

/** Every entry of a zip, as text. Fails on a zip that is not valid. */
export function unzip(buffer: Buffer): Promise<Map<string, string>> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(buffer, { lazyEntries: true }, (error, zip) => {
      if (error || !zip) return reject(error);
      const entries = new Map<string, string>();
      zip.on("entry", (entry: yauzl.Entry) => {
        zip.openReadStream(entry, (streamError, stream) => {
          if (streamError || !stream) return reject(streamError);
          const chunks: Buffer[] = [];
          stream.on("data", (chunk: Buffer) => chunks.push(chunk));
          stream.on("end", () => {
            entries.set(entry.fileName, Buffer.concat(chunks).toString("utf8"));
            zip.readEntry();
          });
          stream.on("error", reject);
        });
      });
      zip.on("end", () => resolve(entries));
      zip.on("error", reject);
      zip.readEntry();
    });
  });
}

/** The cells of a sheet's XML: rows of `{ ref, type, style, value }`, value as written. */
export function sheetRows(
  xml: string,
): Array<{ r: number; cells: Array<{ ref: string; t?: string; s?: string; v: string }> }> {
  const rows: Array<{
    r: number;
    cells: Array<{ ref: string; t?: string; s?: string; v: string }>;
  }> = [];
  for (const row of xml.matchAll(/<row r="(\d+)">(.*?)<\/row>/g)) {
    const cells = [...(row[2] ?? "").matchAll(/<c r="([A-Z]+\d+)"([^>]*)>(.*?)<\/c>/g)].map(
      (cell) => {
        const attributes = cell[2] ?? "";
        const t = /t="([^"]+)"/.exec(attributes)?.[1];
        const s = /s="([^"]+)"/.exec(attributes)?.[1];
        const body = cell[3] ?? "";
        const v = /<v>(.*?)<\/v>/.exec(body)?.[1] ?? /<t[^>]*>(.*?)<\/t>/.exec(body)?.[1] ?? "";
        return {
          ref: cell[1] as string,
          ...(t ? { t } : {}),
          ...(s ? { s } : {}),
          v: unescapeXml(v),
        };
      },
    );
    rows.push({ r: Number(row[1]), cells });
  }
  return rows;
}

function unescapeXml(text: string): string {
  return text
    .replaceAll("&lt;", "<")
    .replaceAll("&gt;", ">")
    .replaceAll("&quot;", '"')
    .replaceAll("&amp;", "&");
}

/** Page count and the text of each page, read with pdf.js (as a viewer would). */
export async function readPdf(buffer: Buffer): Promise<{ pages: number; text: string[] }> {
  const pdfjs = await import("pdfjs-dist/legacy/build/pdf.mjs");
  const document = await pdfjs.getDocument({ data: new Uint8Array(buffer), verbosity: 0 }).promise;
  const text: string[] = [];
  for (let index = 1; index <= document.numPages; index++) {
    const page = await document.getPage(index);
    const content = await page.getTextContent();
    text.push(content.items.map((item) => ("str" in item ? item.str : "")).join(" "));
  }
  const pages = document.numPages;
  await document.destroy();
  return { pages, text };
}
