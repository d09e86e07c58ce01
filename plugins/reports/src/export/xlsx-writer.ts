/**
 * A streaming xlsx writer: the workbook's fixed parts are small buffers, and the one
 * worksheet's XML is written row by row into a zip entry (yazl deflates it as it
 * comes), so memory stays flat whatever the row count. Strings are inline (no shared
 * string table to hold), styles are a fixed table, dates are real date cells.
 * Why not exceljs: docs/adr/0007-streamed-exports.md.
 */
import { PassThrough } from "node:stream";
import { ZipFile } from "yazl";
import {
  type Cell,
  type Column,
  ExportAbortedError,
  spreadsheetDay,
  type TableDocument,
  type TableWriter,
  waitForRoom,
} from "./table.js";

/** Cell styles: indexes into `cellXfs` in STYLES_XML. */
const STYLE = {
  text: 0,
  header: 1,
  amount: 2,
  date: 3,
  title: 4,
  totalAmount: 5,
  integer: 6,
  bold: 7,
  headerRight: 8,
} as const;

const STYLES_XML = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">
<numFmts count="1"><numFmt numFmtId="164" formatCode="dd.mm.yyyy"/></numFmts>
<fonts count="3">
<font><sz val="10"/><name val="Arial"/><family val="2"/></font>
<font><b/><sz val="10"/><name val="Arial"/><family val="2"/></font>
<font><b/><sz val="14"/><name val="Arial"/><family val="2"/></font>
</fonts>
<fills count="3"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill><fill><patternFill patternType="solid"><fgColor rgb="FFDDE3EA"/><bgColor indexed="64"/></patternFill></fill></fills>
<borders count="2"><border><left/><right/><top/><bottom/><diagonal/></border><border><left/><right/><top/><bottom style="thin"><color auto="1"/></bottom><diagonal/></border></borders>
<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>
<cellXfs count="9">
<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>
<xf numFmtId="0" fontId="1" fillId="2" borderId="1" xfId="0" applyFont="1" applyFill="1" applyBorder="1"/>
<xf numFmtId="4" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>
<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>
<xf numFmtId="0" fontId="2" fillId="0" borderId="0" xfId="0" applyFont="1"/>
<xf numFmtId="4" fontId="1" fillId="0" borderId="0" xfId="0" applyNumberFormat="1" applyFont="1"/>
<xf numFmtId="1" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>
<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>
<xf numFmtId="0" fontId="1" fillId="2" borderId="1" xfId="0" applyFont="1" applyFill="1" applyBorder="1" applyAlignment="1"><alignment horizontal="right"/></xf>
</cellXfs>
<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>
</styleSheet>`;

const CONTENT_TYPES_XML = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>
<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>
<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>
<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>
</Types>`;

const ROOT_RELS_XML = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>
<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/>
</Relationships>`;

const WORKBOOK_RELS_XML = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>
<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>
</Relationships>`;

/** Sheet XML is gathered into chunks of about this many characters before each write. */
const CHUNK_CHARS = 64 * 1024;

export interface XlsxOptions {
  /** The sheet's tab name (Excel allows 31 characters, no `[]:*?/\`). */
  sheetName: string;
  /** Stamped in the file's properties. */
  generatedAt: Date;
}

export function createXlsxWriter(document: TableDocument, options: XlsxOptions): TableWriter {
  const zip = new ZipFile();
  const zipOutput = zip.outputStream as PassThrough;
  const sheet = new PassThrough();
  const output = new PassThrough();
  const aborted = new AbortController();
  const columns = document.columns;
  const sheetName = safeSheetName(options.sheetName);
  const figures = document.figures ?? [];
  // Title, subtitle lines, key figures, an empty row, then the header row.
  const headerRow = document.subtitle.length + figures.length + 3;
  let finished = false;

  zipOutput.pipe(output);
  zipOutput.once("error", (error) => output.destroy(error));
  // The reader leaving (Fastify destroys the body) must release a producer parked on 'drain'.
  output.once("close", () => aborted.abort());
  aborted.signal.addEventListener("abort", () => {
    sheet.destroy();
    zipOutput.destroy();
  });

  zip.addBuffer(Buffer.from(CONTENT_TYPES_XML), "[Content_Types].xml");
  zip.addBuffer(Buffer.from(ROOT_RELS_XML), "_rels/.rels");
  zip.addBuffer(Buffer.from(coreXml(document.title, options.generatedAt)), "docProps/core.xml");
  zip.addBuffer(Buffer.from(WORKBOOK_RELS_XML), "xl/_rels/workbook.xml.rels");
  zip.addBuffer(Buffer.from(STYLES_XML), "xl/styles.xml");
  zip.addReadStream(sheet, "xl/worksheets/sheet1.xml");

  let pending = `${sheetHead(columns, headerRow)}<sheetData>`;
  pending += rowXml(1, [textCell(1, 1, document.title, STYLE.title)]);
  document.subtitle.forEach((line, index) => {
    pending += rowXml(index + 2, [textCell(index + 2, 1, line, STYLE.text)]);
  });
  figures.forEach((figure, index) => {
    const row = document.subtitle.length + index + 2;
    pending += rowXml(row, [
      textCell(row, 1, figure.label, STYLE.text),
      `<c r="B${row}" s="${STYLE.amount}"><v>${figure.amount}</v></c>`,
    ]);
  });
  pending += rowXml(
    headerRow,
    columns.map((column, index) =>
      textCell(
        headerRow,
        index + 1,
        column.header,
        column.kind === "amount" || column.kind === "integer" ? STYLE.headerRight : STYLE.header,
      ),
    ),
  );
  let rowNumber = headerRow;

  function append(xml: string): Promise<void> {
    pending += xml;
    if (pending.length < CHUNK_CHARS) return Promise.resolve();
    return flush();
  }

  function flush(): Promise<void> {
    if (aborted.signal.aborted) return Promise.reject(new ExportAbortedError());
    if (pending.length > 0) {
      sheet.write(pending);
      pending = "";
    }
    return waitForRoom(sheet, aborted.signal);
  }

  function cellsOf(row: number, cells: readonly Cell[], total: boolean): string[] {
    return cells.map((value, index) => dataCell(row, index, value, columns[index], total));
  }

  return {
    output,
    row(cells) {
      if (finished) return Promise.reject(new Error("the xlsx file is finished"));
      if (aborted.signal.aborted) return Promise.reject(new ExportAbortedError());
      rowNumber++;
      return append(rowXml(rowNumber, cellsOf(rowNumber, cells, false)));
    },
    async end(totals) {
      if (finished) return;
      const lastDataRow = rowNumber;
      // One empty row keeps the totals out of the filter and sort range.
      if (totals) await append(rowXml(rowNumber + 2, cellsOf(rowNumber + 2, totals, true)));
      const last = columnName(columns.length);
      await append(
        `</sheetData><autoFilter ref="A${headerRow}:${last}${lastDataRow}"/>` +
          `<pageMargins left="0.4" right="0.4" top="0.5" bottom="0.5" header="0.3" footer="0.3"/>` +
          `<pageSetup paperSize="9" orientation="landscape" fitToWidth="1" fitToHeight="0"/>` +
          `<headerFooter><oddFooter>&amp;L${xmlEscape(document.title)}&amp;RPagina &amp;P / &amp;N</oddFooter></headerFooter>` +
          "</worksheet>",
      );
      await flush();
      finished = true;
      sheet.end();
      // Written last: the filter's range is known only now. Part order is free in a zip.
      zip.addBuffer(
        Buffer.from(workbookXml(sheetName, headerRow, columns.length, lastDataRow)),
        "xl/workbook.xml",
      );
      zip.end();
    },
  };
}

function rowXml(row: number, cells: readonly string[]): string {
  return `<row r="${row}">${cells.join("")}</row>`;
}

function sheetHead(columns: readonly Column[], headerRow: number): string {
  const cols = columns
    .map(
      (column, index) =>
        `<col min="${index + 1}" max="${index + 1}" width="${column.width}" customWidth="1"/>`,
    )
    .join("");
  return (
    `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n` +
    `<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">` +
    `<sheetPr><pageSetUpPr fitToPage="1"/></sheetPr>` +
    `<sheetViews><sheetView workbookViewId="0"><pane ySplit="${headerRow}" topLeftCell="A${headerRow + 1}" activePane="bottomLeft" state="frozen"/></sheetView></sheetViews>` +
    `<sheetFormatPr defaultRowHeight="13"/><cols>${cols}</cols>`
  );
}

function workbookXml(
  sheetName: string,
  headerRow: number,
  columnCount: number,
  lastDataRow: number,
): string {
  const quoted = `'${sheetName.replaceAll("'", "''")}'`;
  return `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">
<bookViews><workbookView/></bookViews>
<sheets><sheet name="${xmlEscape(sheetName)}" sheetId="1" r:id="rId1"/></sheets>
<definedNames><definedName name="_xlnm.Print_Titles" localSheetId="0">${xmlEscape(quoted)}!$${headerRow}:$${headerRow}</definedName><definedName name="_xlnm._FilterDatabase" localSheetId="0" hidden="1">${xmlEscape(quoted)}!$A$${headerRow}:$${columnName(columnCount)}$${lastDataRow}</definedName></definedNames>
</workbook>`;
}

function coreXml(title: string, generatedAt: Date): string {
  const stamp = `${generatedAt.toISOString().slice(0, 19)}Z`;
  return `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<dc:title>${xmlEscape(title)}</dc:title><dc:creator>roa2web</dc:creator>
<dcterms:created xsi:type="dcterms:W3CDTF">${stamp}</dcterms:created>
</cp:coreProperties>`;
}

function dataCell(
  row: number,
  index: number,
  value: Cell,
  column: Column | undefined,
  total: boolean,
): string {
  if (value === null || value === "") return "";
  const kind = column?.kind ?? "text";
  const ref = `${columnName(index + 1)}${row}`;
  if (typeof value === "number" && Number.isFinite(value)) {
    if (kind === "amount")
      return `<c r="${ref}" s="${total ? STYLE.totalAmount : STYLE.amount}"><v>${value}</v></c>`;
    if (kind === "integer") return `<c r="${ref}" s="${STYLE.integer}"><v>${value}</v></c>`;
    return `<c r="${ref}"><v>${value}</v></c>`;
  }
  const text = String(value);
  if (kind === "date" && /^\d{4}-\d{2}-\d{2}$/.test(text)) {
    return `<c r="${ref}" s="${STYLE.date}"><v>${spreadsheetDay(text)}</v></c>`;
  }
  return textCell(row, index + 1, text, total ? STYLE.bold : STYLE.text);
}

function textCell(row: number, column: number, text: string, style: number): string {
  const s = style === 0 ? "" : ` s="${style}"`;
  return `<c r="${columnName(column)}${row}" t="inlineStr"${s}><is><t xml:space="preserve">${xmlEscape(text)}</t></is></c>`;
}

/** 1 → A, 27 → AA. */
export function columnName(index: number): string {
  let name = "";
  let rest = index;
  while (rest > 0) {
    const digit = (rest - 1) % 26;
    name = String.fromCharCode(65 + digit) + name;
    rest = Math.floor((rest - 1) / 26);
  }
  return name;
}

// XML 1.0 forbids most control characters even escaped; an ERP text field may hold them.
// biome-ignore lint/suspicious/noControlCharactersInRegex: removing them is the point
const INVALID_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;

export function xmlEscape(text: string): string {
  return text
    .replace(INVALID_XML, "")
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;");
}

function safeSheetName(name: string): string {
  const cleaned = name.replace(/[[\]:*?/\\]/g, " ").trim();
  return (cleaned || "Raport").slice(0, 31);
}
