// Finds money amounts in one OCR line: decimal comma or point, thousands separators,
// and the usual OCR confusions inside numbers (O→0, l/I/|→1, S→5, Z→2).

export interface AmountMatch {
  value: number;
  /** Position of the match in the line (for "the amount after the keyword"). */
  index: number;
  raw: string;
}

// Characters that stand for digits when they sit inside a number.
const DIGIT_LOOKALIKES: Record<string, string> = {
  O: "0",
  o: "0",
  D: "0",
  Q: "0",
  l: "1",
  I: "1",
  "|": "1",
  "!": "1",
  S: "5",
  s: "5",
  Z: "2",
  B: "8",
};

const DIGITISH = "[0-9OoDQlI|!SsZB]";
// An integer part (optionally grouped by . , ' or a space), a decimal separator and
// exactly two decimals; OCR sometimes puts a space around the separator.
const AMOUNT = new RegExp(
  `(?<![\\p{L}\\p{N}.,])(-\\s?)?(${DIGITISH}{1,3}(?:[.,'’ ]${DIGITISH}{3})+|${DIGITISH}{1,7})\\s?([.,])\\s?(${DIGITISH}{2})(?![\\p{N}%]|\\s?%|[.,]\\d)(\\s?-(?!\\s?\\d))?`,
  "gu",
);

function toDigits(text: string): string {
  return [...text].map((char) => DIGIT_LOOKALIKES[char] ?? char).join("");
}

export function findAmounts(line: string): AmountMatch[] {
  const matches: AmountMatch[] = [];
  for (const match of line.matchAll(AMOUNT)) {
    const [raw, minus, integerPart = "", , decimals = "", trailingMinus] = match;
    // A lookalike-only token ("SO,OO" is fine, "ZZ.ZZ" is not): require real digits.
    const realDigits = (integerPart + decimals).match(/\d/g)?.length ?? 0;
    if (realDigits < Math.ceil((integerPart.length + decimals.length) / 2)) continue;
    const integer = toDigits(integerPart).replace(/[.,'’ ]/g, "");
    if (!/^\d+$/.test(integer)) continue;
    const value = Number(`${integer}.${toDigits(decimals)}`);
    if (!Number.isFinite(value)) continue;
    const negative = minus !== undefined || trailingMinus !== undefined;
    matches.push({ value: negative ? -value : value, index: match.index ?? 0, raw });
  }
  return matches;
}

/** Parses one amount on its own ("1.234,56", "12.5O"); null when it is not one. */
export function parseAmount(text: string): number | null {
  const [first] = findAmounts(text.trim());
  return first ? first.value : null;
}

/** Rounds to cents so that sums compare exactly. */
export function cents(value: number): number {
  return Math.round(value * 100) / 100;
}

export function sameAmount(a: number, b: number, tolerance = 0.011): boolean {
  return Math.abs(a - b) <= tolerance;
}
