import { describe, expect, it } from "vitest";
import { createPdfWriter, loadPdfFonts } from "./pdf-writer.js";
import { collect, readPdf } from "./read-back.test-helper.js";
import type { TableDocument } from "./table.js";

const fonts = loadPdfFonts();
const document: TableDocument = {
  title: "Balanță de verificare",
  subtitle: ["Dunărea Agro Prod SA (DUNA)", "Perioada: 01.06.2025 – 30.06.2025"],
  columns: [
    { header: "Cont", kind: "text", width: 12 },
    { header: "Denumire", kind: "text", width: 40 },
    { header: "Data", kind: "date", width: 12 },
    { header: "Sold final debitor", kind: "amount", width: 15 },
  ],
};

async function build(count: number, totals?: Array<string | number | null>) {
  const writer = createPdfWriter(document, {
    fonts,
    generatedAt: new Date("2025-06-30T10:00:00Z"),
  });
  const file = collect(writer.output);
  for (let index = 0; index < count; index++) {
    await writer.row([
      `5121.${String(index).padStart(2, "0")}`,
      "Conturi la bănci în lei — ștampilă țară",
      "2025-06-02",
      1234567.5,
    ]);
  }
  await writer.end(totals);
  return file;
}

describe("createPdfWriter", () => {
  it("writes a PDF whose text a viewer reads back, Romanian letters included", async () => {
    const pdf = await build(3, ["Total", null, null, 3703702.5]);
    expect(pdf.subarray(0, 5).toString()).toBe("%PDF-");
    const { pages, text } = await readPdf(pdf);
    expect(pages).toBe(1);
    const page = text[0] as string;
    expect(page).toContain("Balanță de verificare");
    expect(page).toContain("Dunărea Agro Prod SA (DUNA)");
    expect(page).toContain("Conturi la bănci în lei — ștampilă țară");
    // Amounts as Romanian accountants write them; dates as dd.mm.yyyy.
    expect(page).toContain("1.234.567,50");
    expect(page).toContain("3.703.702,50");
    expect(page).toContain("02.06.2025");
    expect(page).toContain("Pagina 1");
  });

  it("breaks pages, repeating the header and numbering each page", async () => {
    const { pages, text } = await readPdf(await build(200));
    // About 40 rows fit on an A4 landscape page at 12 pt a row.
    expect(pages).toBeGreaterThanOrEqual(5);
    expect(pages).toBeLessThanOrEqual(6);
    text.forEach((page, index) => {
      expect(page).toContain("Sold final debitor");
      expect(page).toContain(`Pagina ${index + 1}`);
    });
    // The title block is on the first page only; the footer names the report on every page.
    const count = (page: string | undefined) =>
      page?.split("Dunărea Agro Prod SA (DUNA)").length ?? 0;
    expect(count(text[0]) - 1).toBe(2);
    expect(count(text[1]) - 1).toBe(1);
    const rows = text.join(" ").match(/5121\.\d+/g) ?? [];
    expect(rows).toHaveLength(200);
  });

  it("keeps a gap between a right-aligned amount and the text of the next column", async () => {
    const writer = createPdfWriter(
      {
        title: "Facturi",
        subtitle: [],
        columns: [
          { header: "Rest de plată", kind: "amount", width: 14 },
          { header: "Stare", kind: "text", width: 15 },
        ],
      },
      { fonts, generatedAt: new Date() },
    );
    const file = collect(writer.output);
    await writer.row([1792.66, "Neachitată"]);
    await writer.end();
    const pdfjs = await import("pdfjs-dist/legacy/build/pdf.mjs");
    const pdf = await pdfjs.getDocument({ data: new Uint8Array(await file), verbosity: 0 }).promise;
    const items = (await (await pdf.getPage(1)).getTextContent()).items.flatMap((item) =>
      "str" in item ? [{ text: item.str, x: item.transform[4] as number, width: item.width }] : [],
    );
    await pdf.destroy();
    const amount = items.find((item) => item.text === "1.792,66");
    const status = items.find((item) => item.text === "Neachitată");
    expect(amount && status).toBeTruthy();
    // At 8 pt a character is about 4.5 pt wide: at least two characters of white space.
    expect((status?.x ?? 0) - ((amount?.x ?? 0) + (amount?.width ?? 0))).toBeGreaterThanOrEqual(10);
  });

  it("is landscape A4", async () => {
    const pdf = (await build(1)).toString("latin1");
    expect(pdf).toMatch(/\/MediaBox \[0 0 841\.89 595\.28\]/);
  });

  it("cuts a text too wide for its column with an ellipsis", async () => {
    const writer = createPdfWriter(document, { fonts, generatedAt: new Date() });
    const file = collect(writer.output);
    await writer.row(["401", "Furnizor ".repeat(40), null, 1]);
    await writer.end();
    const { text } = await readPdf(await file);
    expect(text[0]).toContain("…");
    expect(text[0]).not.toContain("Furnizor ".repeat(40).trim());
  });
});
