import { describe, expect, it } from "vitest";
import { findAmounts, parseAmount } from "./amounts.js";
import { findDates } from "./dates.js";
import { extractFields } from "./extract-fields.js";
import { findTaxIds, isValidGermanVatId, isValidRomanianCui } from "./tax-id.js";
import { normaliseName } from "./text.js";
import { findTotal, findVat } from "./totals.js";

const today = new Date("2026-06-30T12:00:00Z");
const extract = (text: string) => extractFields({ text }, { today });

describe("amounts", () => {
  it.each([
    ["24,23", 24.23],
    ["24.23", 24.23],
    ["1.234,56", 1234.56],
    ["1,234.56", 1234.56],
    ["1 234,56", 1234.56],
    ["1'234.56", 1234.56],
    ["2O,5O", 20.5],
    ["l2,99", 12.99],
    ["S,49", 5.49],
    ["24 ,23", 24.23],
    ["5,00-", -5],
  ])("reads %s as %d", (text, value) => {
    expect(parseAmount(text)).toBe(value);
  });

  it("ignores percentages, dates and words", () => {
    expect(findAmounts("A 19,00% 02.03.2020 SUMME")).toEqual([]);
  });

  it("finds every amount of a line in order", () => {
    expect(findAmounts("B 7% 17,33 1,21 18,54").map((match) => match.value)).toEqual([
      17.33, 1.21, 18.54,
    ]);
  });
});

describe("dates", () => {
  it.each([
    ["Datum 02.03.2020 09:48", "2020-03-02"],
    ["25.04.20 09:37 Uhr", "2020-04-25"],
    ["Data: 14/02/2024", "2024-02-14"],
    ["2023-11-05 12:01", "2023-11-05"],
    ["Datum: 15,04.2020", "2020-04-15"],
    ["„04, 04. 2020", "2020-04-04"],
    ["O1.O6.2021", "2021-06-01"],
    ["Datum: 07.05.202C", "2020-05-07"],
    ["DATA 05/03/24 ORA 10:15", "2024-03-05"],
    ["12:,03,24 18:05 4711 0815", "2024-03-12"],
    ["12 .03.24 18.05", "2024-03-12"],
  ])("reads %s", (line, iso) => {
    expect(findDates([line], today)[0]?.iso).toBe(iso);
  });

  it("rejects impossible and implausible dates", () => {
    expect(findDates(["31.02.2020", "01.01.1999", "01.01.2031", "45.13.2020"], today)).toEqual([]);
  });

  it("does not read amounts as short dates", () => {
    expect(findDates(["1,99 2,49", "12,50 1,20"], today)).toEqual([]);
  });

  it("accepts damaged separators in a short date only before a time stamp", () => {
    expect(findDates(["12:,03,24 Kasse 2"], today)).toEqual([]);
    expect(findDates(["12:,03,24 09:41"], today).map((date) => date.iso)).toEqual(["2024-03-12"]);
  });

  it("never takes a day-month fragment alone for a date", () => {
    expect(findDates(["Bar 21,04.", "Beleg 21.04."], today)).toEqual([]);
    expect(extract("SHOP\nBeleg 21.04.\nSUMME 3,00").date).toBeNull();
  });

  it("prefers a date that other mentions confirm over one labelled reading", () => {
    // The labelled date has a misread month; the till stamp and the card slip agree.
    const text = [
      "SHOP",
      "SUMME EUR 12,07",
      "11.03.25 10:15 4711",
      "Datum: 11.08.2025",
      "Terminal-Zeit 11.03. 10:14 Uhr",
    ].join("\n");
    expect(extract(text).date).toBe("2025-03-11");
    // Without the confirmations, the label wins as before.
    expect(extract("SHOP\nDatum: 11.08.2025\n11.03.25 Kasse 2").date).toBe("2025-08-11");
  });

  it("prefers the date on a line with a time or a label over a best-before date", () => {
    const fields = extract("SHOP\nMHD 01.09.2026\nSUMME 3,00\n12.06.2026 14:22 Bon 1234");
    expect(fields.date).toBe("2026-06-12");
  });
});

describe("tax ids", () => {
  it("validates German USt-IdNr check digits", () => {
    expect(isValidGermanVatId("136695976")).toBe(true);
    expect(isValidGermanVatId("136695977")).toBe(false);
  });

  it("validates Romanian CUI check digits", () => {
    expect(isValidRomanianCui("14399840")).toBe(true);
    expect(isValidRomanianCui("14399841")).toBe(false);
  });

  it.each([
    ["USt-IdNr.: DE 136 695 976", "DE136695976"],
    ["UID Nr. DE136695976", "DE136695976"],
    ["C.U.I. RO 14399840", "RO14399840"],
    ["CIF: 14399840", "14399840"],
    ["COD FISCAL RO14399840", "RO14399840"],
    ["St.-Nr. 123/456/78901", "123/456/78901"],
  ])("reads %s", (line, value) => {
    expect(findTaxIds([line])[0]?.value).toBe(value);
  });

  it("prefers a verified id over a Steuernummer", () => {
    expect(extract("SHOP\nSt.-Nr. 123/456/78901\nUSt-ID DE136695976").tax_id).toBe("DE136695976");
  });

  it("does not take an unlabelled RO number that fails the check", () => {
    expect(findTaxIds(["PRODUS RO 12345678"])).toEqual([]);
  });
});

describe("total and VAT", () => {
  it("takes the amount after ZU ZAHLEN, not the cash given nor the change", () => {
    const text = [
      "ALDI",
      "BIO HONIG 3,29 A",
      "ZU ZAHLEN EURO 24,23",
      "BARGELD 40,00",
      "ZURÜCK 15,77",
    ].join("\n");
    const fields = extract(text);
    expect(fields.total).toBe(24.23);
  });

  it("uses cash given minus change when the total line is unreadable", () => {
    const text = ["SHOP", "SUMME EUR ZL,#", "BAR 50,00", "Rückgeld 27,36"].join("\n");
    expect(extract(text).total).toBe(22.64);
  });

  it("does not mistake the MwSt line for the total", () => {
    const text = ["REWE", "Milch 1,19 B", "SUMME EUR 12,40", "MwSt 19% 1,98", "Netto 10,42"].join(
      "\n",
    );
    const fields = extract(text);
    expect(fields.total).toBe(12.4);
    expect(fields.vat).toBe(1.98);
  });

  it("reads a German VAT table and cross-checks the total", () => {
    const lines = [
      "MWST   Netto  MWST-BETRAG  BRUTTO",
      "B 7,00%   17,33   1,21   18,54",
      "A 19,00%   4,73   0,90   5,63",
    ];
    const vat = findVat(lines);
    expect(vat?.vat).toBe(2.11);
    expect(vat?.rows).toHaveLength(2);
    // Two keyword lines disagree (OCR read 24,73 for 24,17); the table sum decides.
    const total = findTotal(["SUMME 24,73", "EC-Cash 24,17", ...lines], vat);
    expect(total?.total).toBe(24.17);
  });

  it("reads Lidl's 'MWST + Netto = Brutto' order", () => {
    const vat = findVat(["MWST%  MWST + Netto = Brutto", "A 7 %  0,47 + 6,69 = 7,16"]);
    expect(vat?.vat).toBe(0.47);
    expect(vat?.rows[0]?.gross).toBe(7.16);
  });

  it("prefers the largest plausible total over a sub-total", () => {
    const text = ["Zwischensumme 10,00", "Pfand 0,25", "SUMME 10,25", "Kartenzahlung 10,25"].join(
      "\n",
    );
    expect(extract(text).total).toBe(10.25);
  });

  it("reads a total written on the line after its keyword", () => {
    expect(extract("SHOP\nGesamtbetrag\n  EUR 45,10\nVisa").total).toBe(45.1);
  });

  it("reads thousands separators in the total", () => {
    expect(extract("MÖBEL HAUS\nGesamtbetrag EUR 1.249,00").total).toBe(1249);
  });

  it("ignores Rabatt and change lines that are larger than the total", () => {
    const text = ["SHOP", "Rabatt 100,00", "SUMME 30,00", "Gegeben 200,00", "Rückgeld 170,00"].join(
      "\n",
    );
    expect(extract(text).total).toBe(30);
  });

  it("reads noisy OCR: O for 0 and l for 1 in the total", () => {
    expect(extract("KAUFLAND\nSUMME EUR l2,O5\nEC-Cash l2,O5").total).toBe(12.05);
  });
});

describe("Romanian receipts", () => {
  const receipt = [
    "S.C. MEGA IMAGE S.R.L.",
    "Str. Nicolae Grigorescu Nr. 29",
    "Bucuresti, Sector 3",
    "C.I.F.: RO 14399840",
    "BON FISCAL",
    "PAINE ALBA 1 BUC x 4,50 4,50 B",
    "LAPTE 1,5% 2 BUC x 7,20 14,40 B",
    "SUBTOTAL 18,90",
    "TOTAL 18,90",
    "NUMERAR 50,00",
    "REST 31,10",
    "TOTAL TVA 1,56",
    "TVA B 9,00% 1,56",
    "DATA: 14/02/2024 ORA: 18:22",
  ].join("\n");

  it("extracts every field", () => {
    const fields = extract(receipt);
    expect(fields.total).toBe(18.9);
    expect(fields.vat).toBe(1.56);
    expect(fields.date).toBe("2024-02-14");
    expect(fields.tax_id).toBe("RO14399840");
    expect(fields.currency).toBe("RON");
    expect(fields.merchant).toBe("S.C. MEGA IMAGE S.R.L.");
  });

  it("reads TOTAL DE PLATĂ and LEI", () => {
    const fields = extract(
      ["KAUFLAND ROMANIA SCS", "CUI 15991149", "TOTAL DE PLATĂ 123,45 LEI", "CARD 123,45"].join(
        "\n",
      ),
    );
    expect(fields.total).toBe(123.45);
    expect(fields.currency).toBe("RON");
  });
});

describe("merchant", () => {
  it("takes the first name-like line without geometry, skipping address lines", () => {
    const fields = extract(
      ["*** Kasse 3 ***", "Bäckerei Müller", "Hauptstraße 12", "33100 Paderborn"].join("\n"),
    );
    expect(fields.merchant).toBe("Bäckerei Müller");
  });

  it("takes the line with the largest glyphs when geometry is available", () => {
    const fields = extractFields(
      {
        text: "",
        lines: [
          { text: "Willkommen", height: 20, confidence: 90 },
          { text: "Filiale 1234", height: 20, confidence: 90 },
          { text: "HORNBACH", height: 60, confidence: 92 },
          { text: "Baumarkt AG", height: 22, confidence: 90 },
          { text: "SUMME 152,00", height: 22, confidence: 90 },
        ],
      },
      { today },
    );
    expect(fields.merchant).toBe("HORNBACH");
  });

  it("falls back to the legal name when the logo is unreadable", () => {
    const fields = extractFields(
      {
        text: "",
        lines: [
          { text: "Ad alunbeD nel", height: 36, confidence: 31 },
          { text: "Pohlweg 110", height: 30, confidence: 90 },
          { text: "ZU ZAHLEN EURO 24,23", height: 30, confidence: 90 },
          { text: "Aldi GmbH & Co. KG, Schloß Holte", height: 30, confidence: 88 },
        ],
      },
      { today },
    );
    expect(fields.merchant).toBe("Aldi GmbH & Co. KG");
  });

  it("skips a long line (an advertisement or noise) and reads a logo one letter off as its chain", () => {
    const fields = extractFields(
      {
        text: "",
        lines: [
          { text: "scannen und Fuedaach geben [=] plate | ki", height: 81, confidence: 66 },
          { text: "Mark tkaut Lehr", height: 30, confidence: 81 },
          { text: "Alter Markt Str. 4", height: 30, confidence: 80 },
          { text: "33102 Paderborn", height: 29, confidence: 89 },
          { text: "SUMME 27,42", height: 30, confidence: 90 },
        ],
      },
      { today },
    );
    expect(fields.merchant).toBe("Marktkauf Lehr");
  });

  it("skips questions and exclamations: advertising, not a name", () => {
    const fields = extractFields(
      {
        text: "",
        lines: [
          { text: "Alles frisch?", height: 60, confidence: 95 },
          { text: "Jetzt neu!", height: 50, confidence: 95 },
          { text: "Bäckerei Sonnenschein", height: 30, confidence: 92 },
          { text: "Lindenallee 4", height: 28, confidence: 90 },
          { text: "SUMME 4,20", height: 28, confidence: 90 },
        ],
      },
      { today },
    );
    expect(fields.merchant).toBe("Bäckerei Sonnenschein");
  });

  it("takes the name printed right above the address over a larger advertising line", () => {
    const lines = (top: string, topHeight: number) => [
      { text: top, height: topHeight, confidence: 90 },
      { text: "MAGAZIN ALFA", height: 30, confidence: 92 },
      { text: "Str. Florilor nr. 12, Cluj", height: 28, confidence: 90 },
      { text: "TOTAL LEI 10,00", height: 28, confidence: 90 },
    ];
    const merchant = (top: string, topHeight: number) =>
      extractFields({ text: "", lines: lines(top, topHeight) }, { today }).merchant;
    expect(merchant("Reduceri de toamna", 40)).toBe("MAGAZIN ALFA");
    // A brand logo clearly larger than the line above the address stays the merchant.
    expect(merchant("ALFAMARKT", 80)).toBe("ALFAMARKT");
  });

  it("finds the name above a postcode line without geometry too", () => {
    const text = ["Sonderangebote der Woche", "Getränke Schmidt", "50667 Köln", "SUMME 9,99"];
    expect(extract(text.join("\n")).merchant).toBe("Getränke Schmidt");
  });

  it("collapses spaces and trims punctuation and stray marks", () => {
    expect(extract("--  Edeka   Center  ** \nSUMME 1,00").merchant).toBe("Edeka Center");
    expect(normaliseName("6   real GmbH")).toBe("real GmbH");
  });
});

describe("confidence", () => {
  it("is 0 for missing fields and within 0..1 otherwise", () => {
    const fields = extract("nothing useful here");
    expect(fields.total).toBeNull();
    expect(fields.confidence.total).toBe(0);
    const full = extract("REWE\nSUMME EUR 12,40\nMwSt 19% 1,98\nDatum 01.06.2026 10:00");
    for (const value of Object.values(full.confidence)) {
      expect(value).toBeGreaterThanOrEqual(0);
      expect(value).toBeLessThanOrEqual(1);
    }
  });
});
