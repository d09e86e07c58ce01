// Small text helpers shared by the field rules: OCR output is noisy, so matching is
// done on an upper-case, accent-free copy of each line.

/** Upper case without diacritics: "Rückgeld" → "RUCKGELD", "PLATĂ" → "PLATA". */
export function fold(text: string): string {
  return text.normalize("NFD").replace(/\p{M}/gu, "").replace(/ß/g, "SS").toUpperCase();
}

/** Splits OCR text into trimmed, non-empty lines. */
export function splitLines(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== "");
}

/** Trims punctuation at both ends and collapses runs of spaces. */
export function normaliseName(text: string): string {
  return (
    text
      .replace(/\s+/g, " ")
      .replace(/^[^\p{L}\p{N}]+/u, "")
      // Stray marks before the name ("6   real GmbH", "| Edeka"): short tokens without letters.
      .replace(/^(?:[^\p{L}\s]{1,2}\s+)+(?=\p{L})/u, "")
      .replace(/[^\p{L}\p{N}.)]+$/u, "")
      .trim()
  );
}

/** Letters in a string, as a share of its non-space characters. */
export function letterShare(text: string): number {
  const compact = text.replace(/\s/g, "");
  if (compact === "") return 0;
  const letters = compact.match(/\p{L}/gu)?.length ?? 0;
  return letters / compact.length;
}
