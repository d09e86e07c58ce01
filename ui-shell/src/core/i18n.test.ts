import { describe, expect, it } from "vitest";
import { pluralCategory, registerMessages, setLocale, t } from "./i18n.js";

registerMessages({
  ro: {
    "test.rows.one": "{count} rând",
    "test.rows.few": "{count} rânduri",
    "test.rows.other": "{count} de rânduri",
    "test.hello": "Salut, {name}",
    "test.receipts.one": "{count} chitanță",
    "test.receipts.few": "{count} chitanțe",
    "test.receipts.other": "{count} de chitanțe",
    "test.files": "Fișiere: {count}",
  },
  en: {
    "test.rows.one": "{count} row",
    "test.rows.other": "{count} rows",
    "test.hello": "Hello, {name}",
    "test.only-en": "English only",
    "test.receipts.one": "{count} receipt",
    "test.receipts.other": "{count} receipts",
    "test.en-counted.one": "one file",
    "test.en-counted.other": "{count} files",
  },
});

describe("plurals", () => {
  it.each([
    [0, "few", "0 chitanțe"],
    [1, "one", "1 chitanță"],
    [2, "few", "2 chitanțe"],
    [19, "few", "19 chitanțe"],
    [20, "other", "20 de chitanțe"],
    [101, "few", "101 chitanțe"],
    [119, "few", "119 chitanțe"],
    [120, "other", "120 de chitanțe"],
  ])("Romanian: %i is `%s` (%s)", (count, category, text) => {
    setLocale("ro");
    expect(pluralCategory(count)).toBe(category);
    expect(t("test.receipts", { count })).toBe(text);
  });

  it.each([
    [0, "0 receipts"],
    [1, "1 receipt"],
    [2, "2 receipts"],
    [20, "20 receipts"],
    [101, "101 receipts"],
  ])("English: %i → %s", (count, text) => {
    setLocale("en");
    expect(t("test.receipts", { count })).toBe(text);
    setLocale("ro");
  });

  it("asks for a language other than the current one", () => {
    setLocale("ro");
    expect(pluralCategory(2, "en")).toBe("other");
    expect(pluralCategory(2, "ro")).toBe("few");
  });

  it("writes the count with the language's digit grouping", () => {
    setLocale("ro");
    expect(t("test.receipts", { count: 1250 })).toBe("1.250 de chitanțe");
    expect(t("test.receipts", { count: 1500.5 })).toBe("1.500,5 chitanțe");
    setLocale("en");
    expect(t("test.receipts", { count: 1250 })).toBe("1,250 receipts");
    setLocale("ro");
  });

  it("uses a message without forms for every count, and English with its own forms as the fallback", () => {
    setLocale("ro");
    expect(t("test.files", { count: 1 })).toBe("Fișiere: 1");
    expect(t("test.files", { count: 2500 })).toBe("Fișiere: 2.500");
    // Only English has it: English's category (2 → other) and its number format.
    expect(t("test.en-counted", { count: 1 })).toBe("one file");
    expect(t("test.en-counted", { count: 1200 })).toBe("1,200 files");
    expect(t("test.nothing", { count: 3 })).toBe("test.nothing");
  });
});

describe("t", () => {
  it("picks the Romanian plural category of the count", () => {
    setLocale("ro");
    expect(t("test.rows", { count: 1 })).toBe("1 rând");
    expect(t("test.rows", { count: 3 })).toBe("3 rânduri");
    expect(t("test.rows", { count: 19 })).toBe("19 rânduri");
    expect(t("test.rows", { count: 20 })).toBe("20 de rânduri");
    expect(t("test.rows", { count: 101 })).toBe("101 rânduri");
  });

  it("uses English categories in English, and falls back to `other`", () => {
    setLocale("en");
    expect(t("test.rows", { count: 1 })).toBe("1 row");
    expect(t("test.rows", { count: 2 })).toBe("2 rows");
    setLocale("ro");
  });

  it("fills placeholders, falls back to English, then to the key", () => {
    setLocale("ro");
    expect(t("test.hello", { name: "Ana" })).toBe("Salut, Ana");
    expect(t("test.only-en")).toBe("English only");
    expect(t("test.missing")).toBe("test.missing");
    expect(t("test.hello", {})).toBe("Salut, {name}");
  });
});
