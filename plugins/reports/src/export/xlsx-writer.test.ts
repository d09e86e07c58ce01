import { describe, expect, it } from "vitest";
import { collect, sheetRows, unzip } from "./read-back.test-helper.js";
import type { TableDocument } from "./table.js";
import { columnName, createXlsxWriter, xmlEscape } from "./xlsx-writer.js";

const document: TableDocument = {
  title: "Facturi clienți",
  subtitle: ["Carpați Distribuție SRL (CARP)", "Perioada: 01.06.2025 – 30.06.2025"],
  columns: [
    { header: "Nr. factură", kind: "text", width: 16 },
    { header: "Data", kind: "date", width: 12 },
    { header: "Total", kind: "amount", width: 14 },
    { header: "Zile", kind: "integer", width: 8 },
  ],
};

async function build(
  rows: Array<Array<string | number | null>>,
  totals?: Array<string | number | null>,
) {
  const writer = createXlsxWriter(document, {
    sheetName: "Facturi clienți",
    generatedAt: new Date("2025-06-30T10:00:00Z"),
  });
  const file = collect(writer.output);
  for (const row of rows) await writer.row(row);
  await writer.end(totals);
  return unzip(await file);
}

describe("createXlsxWriter", () => {
  it("writes a valid workbook: parts, title, header, typed cells and a totals row", async () => {
    const parts = await build(
      [
        ["CARP 000001", "2025-06-02", 1234.5, 0],
        ["Ștefănescu & <Fiii>", "2025-06-30", -0.01, 12],
      ],
      ["Total", null, 1234.49, null],
    );
    expect([...parts.keys()].sort()).toEqual([
      "[Content_Types].xml",
      "_rels/.rels",
      "docProps/core.xml",
      "xl/_rels/workbook.xml.rels",
      "xl/styles.xml",
      "xl/workbook.xml",
      "xl/worksheets/sheet1.xml",
    ]);
    const sheet = parts.get("xl/worksheets/sheet1.xml") as string;
    const rows = sheetRows(sheet);
    // Title, two subtitle lines, (empty row 4), header on row 5, two rows, (gap), totals.
    expect(rows.map((row) => row.r)).toEqual([1, 2, 3, 5, 6, 7, 9]);
    expect(rows[0]?.cells[0]?.v).toBe("Facturi clienți");
    expect(rows[1]?.cells[0]?.v).toBe("Carpați Distribuție SRL (CARP)");
    expect(rows[3]?.cells.map((cell) => cell.v)).toEqual(["Nr. factură", "Data", "Total", "Zile"]);
    expect(rows[4]?.cells).toEqual([
      { ref: "A6", t: "inlineStr", v: "CARP 000001" },
      // 2025-06-02 is day 45810 counted from 1899-12-30; style 3 is dd.mm.yyyy.
      { ref: "B6", s: "3", v: "45810" },
      { ref: "C6", s: "2", v: "1234.5" },
      { ref: "D6", s: "6", v: "0" },
    ]);
    expect(rows[5]?.cells[0]?.v).toBe("Ștefănescu & <Fiii>");
    expect(rows[6]?.cells).toEqual([
      { ref: "A9", t: "inlineStr", s: "7", v: "Total" },
      { ref: "C9", s: "5", v: "1234.49" },
    ]);
    // The header stays in view, and the filter covers the data rows only.
    expect(sheet).toContain(
      '<pane ySplit="5" topLeftCell="A6" activePane="bottomLeft" state="frozen"/>',
    );
    expect(sheet).toContain('<autoFilter ref="A5:D7"/>');
    expect(sheet).toContain('<col min="2" max="2" width="12" customWidth="1"/>');
    const styles = parts.get("xl/styles.xml") as string;
    expect(styles).toContain('<numFmt numFmtId="164" formatCode="dd.mm.yyyy"/>');
    // cellXfs 2 (amounts) uses the built-in "#,##0.00" (id 4); 3 (dates) the custom one.
    const xfs = [...styles.matchAll(/<xf numFmtId="(\d+)"[^>]*xfId="0"/g)].map((m) => m[1]);
    expect(xfs[2]).toBe("4");
    expect(xfs[3]).toBe("164");
    expect(parts.get("xl/workbook.xml")).toContain(
      '<sheet name="Facturi clienți" sheetId="1" r:id="rId1"/>',
    );
    // The header row repeats on every printed page.
    expect(parts.get("xl/workbook.xml")).toContain(
      `<definedName name="_xlnm.Print_Titles" localSheetId="0">'Facturi clienți'!$5:$5</definedName>`,
    );
  });

  it("streams many rows in bounded chunks and keeps them all", async () => {
    const rows = Array.from({ length: 5000 }, (_, index) => [
      `F${index}`,
      "2025-01-01",
      index / 100,
      index,
    ]);
    const parts = await build(rows);
    const data = sheetRows(parts.get("xl/worksheets/sheet1.xml") as string).slice(4);
    expect(data).toHaveLength(5000);
    expect(data[4999]?.cells[3]?.v).toBe("4999");
  });

  it("stops with ExportAbortedError once the reader has gone", async () => {
    const writer = createXlsxWriter(document, { sheetName: "x", generatedAt: new Date() });
    writer.output.destroy();
    await new Promise((resolve) => setImmediate(resolve));
    const big = "x".repeat(70_000);
    await expect(writer.row([big, null, 1, 1])).rejects.toThrow(/went away/);
  });
});

describe("xlsx helpers", () => {
  it("names columns like a spreadsheet", () => {
    expect([1, 26, 27, 52, 703].map(columnName)).toEqual(["A", "Z", "AA", "AZ", "AAA"]);
  });

  it("escapes XML and drops characters XML cannot hold", () => {
    expect(xmlEscape('a<b>&"c"\u0001')).toBe("a&lt;b&gt;&amp;&quot;c&quot;");
  });
});
