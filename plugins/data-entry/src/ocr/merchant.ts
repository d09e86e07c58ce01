// Picks the merchant: the most prominent line near the top of the receipt (largest
// glyphs when the OCR gave geometry, else the first line that reads like a name), with
// a company's legal name ("… GmbH", "… S.R.L.") as the fallback when the top is a logo
// the OCR could not read, and a known chain's name for a logo read one letter off.
import { findAmounts } from "./amounts.js";
import { chainMisreadAs } from "./known-chains.js";
import { fold, letterShare, normaliseName } from "./text.js";
import type { OcrLine } from "./types.js";

export interface MerchantMatch {
  name: string;
  confidence: number;
}

const LEGAL_FORM =
  /\b(GMBH|AG|KG|OHG|UG|E\.\s?K\.|MBH|SE|S\.?\s?R\.?\s?L\.?|S\.?\s?A\.?|S\.?\s?C\.?\s?S\.?|P\.?\s?F\.?\s?A\.?|LTD|INC|SRL)\b/;

// Lines that are never the merchant: address, contact, till and greeting lines.
const NOT_A_NAME = [
  /\b\d{5}\s+\p{L}/u, // German postcode + town
  /\b\d{6}\b/, // Romanian postcode
  /(STR\.|STRASSE|\bSTRADA\b|\bWEG\b|\bPLATZ\b|\bALLEE\b|\bGASSE\b|\bDAMM\b|\bRING\b|\bBD\.|\bBLVD|\bSOS\.|\bCALEA\b|\bNR\.\s?\d|\bJUD\.|\bMUN\.|\bLOC\.)/,
  /(\bTEL\b|TELEFON|\bFAX\b|WWW\.|HTTP|@|\.DE\b|\.RO\b|\.COM\b)/,
  /(KASSE|\bBON\b|BELEG|FILIALE|OFFNUNGSZEITEN|\bUHR\b|KASSIER|BEDIENER|QUITTUNG|RECHNUNG|BON FISCAL|\bCASA\b|\bCASIER)/,
  /(WILLKOMMEN|DANKE|VIELEN DANK|MULTUMIM|BINE ATI VENIT)/,
  /(ST\.?-?NR|UST|STEUER|\bCUI\b|\bCIF\b|COD FISCAL|\bREG\.? COM|\bJ\d{2}\/)/,
  /\d{1,2}[./]\d{1,2}[./]\d{2,4}/, // a date
];

function looksLikeName(text: string): boolean {
  const folded = fold(text);
  const letters = folded.match(/\p{L}/gu)?.length ?? 0;
  if (letters < 3 || letterShare(text) < 0.6) return false;
  // Item and price lines ("SEBAMED 8,99 A", "kg EURO/kg") are not names.
  if (findAmounts(text).length > 0 || /\bEUR|€|\/KG|\bKG\b|\bLEI\b/.test(folded)) return false;
  // A line ending in a number is an address ("Pohlweg 110"), a till or an item line.
  if (/\d[\d.,:]*\s*[A-Z*]?\s*$/.test(folded)) return false;
  // A company's legal name may be long and punctuated; anything else that is, is not a name.
  if (!LEGAL_FORM.test(folded)) {
    // A sentence is a slogan ("Respekt, wer's selber macht", "Es gibt immer was zu tun.").
    const words = text.split(/\s+/).length;
    if (words >= 3 && /,\s|[.!?,]$/.test(text.trim())) return false;
    // So is a long line: a shop's name is a few words ("Marktkauf Lehr", "HORNBACH
    // Baumarkt"); five and more are an advertisement or noise.
    if (words >= 5) return false;
    // A question or an exclamation is advertising ("Wunschlos glücklich?", "Jetzt neu!").
    if (/\p{L}[?!¿¡]/u.test(text)) return false;
  }
  return !NOT_A_NAME.some((pattern) => pattern.test(folded));
}

// The address block under the name: a street with its number, a postcode and town.
const STREET = NOT_A_NAME[2] as RegExp;
const POSTCODE_TOWN = /\b\d{4,6}\s+\p{L}{3,}/u;
function isAddress(text: string): boolean {
  const folded = fold(text);
  return (
    STREET.test(folded) ||
    POSTCODE_TOWN.test(folded) ||
    /\p{L}{3,}\.?\s+\d{1,4}\s?[A-Z]?$/u.test(folded)
  );
}

/** "www.marktkauf-lehr.de" → "marktkauf-lehr": shops print their web address. */
function domainName(text: string): string | null {
  const compact = text.replace(/\s+/g, "").toLowerCase();
  const match = compact.match(/w{2,4}[.,]([a-z0-9äöü-]{3,40})[.,](?:de|ro|com|eu|at|ch|net)\b/);
  return match?.[1] ?? null;
}

/** "Aldi GmbH & Co. KG, Schloß Holte" → "Aldi GmbH & Co. KG". */
function cutAfterLegalForm(text: string): string {
  const folded = fold(text);
  let end = -1;
  for (const match of folded.matchAll(new RegExp(LEGAL_FORM.source, "g"))) {
    end = (match.index ?? 0) + match[0].length;
  }
  if (end > 0 && text[end] === ".") end++;
  return end > 0 ? text.slice(0, end) : text;
}

// OCR of a logo yields short mixed-case fragments with low confidence; names read well.
function readability(line: OcrLine): number {
  const confidence = line.confidence ?? 80;
  const words = line.text.split(/\s+/).filter((word) => /\p{L}/u.test(word));
  if (words.length === 0) return 0;
  const oddCase = words.filter((word) => /\p{Ll}\p{Lu}/u.test(word)).length;
  const short = words.filter((word) => word.replace(/[^\p{L}]/gu, "").length <= 2).length;
  return confidence / 100 - (0.3 * oddCase) / words.length - (0.4 * short) / words.length;
}

const READABLE = 0.55;

export function findMerchant(lines: readonly OcrLine[]): MerchantMatch | null {
  const match = merchantAsRead(lines);
  // A logo the OCR read one letter off ("LDL") names a known chain (known-chains.ts).
  const chain = match && chainMisreadAs(match.name);
  return chain ? { name: chain, confidence: Math.max(match.confidence, 0.6) } : match;
}

function merchantAsRead(lines: readonly OcrLine[]): MerchantMatch | null {
  // "Near the top": the header before the first priced line, at most 12 lines.
  const firstPriced = lines.findIndex((line) => findAmounts(line.text).length > 0);
  const topCount = Math.min(12, firstPriced < 0 ? lines.length : Math.max(3, firstPriced));
  const top = lines.slice(0, topCount).filter((line) => looksLikeName(line.text));
  const isLegal = (line: OcrLine) => {
    const folded = fold(line.text);
    return (
      LEGAL_FORM.test(folded) &&
      letterShare(line.text) >= 0.5 &&
      // "kg EURO/kg" is a unit, not a Kommanditgesellschaft.
      !/EUR|€|\/\s?KG|KG\s?\//.test(folded) &&
      findAmounts(line.text).length === 0 &&
      // Two-letter forms (SE, AG, SA) turn up in logo noise: only a readable line counts.
      readability(line) >= READABLE
    );
  };

  const haveGeometry = top.some((line) => line.height !== undefined);
  const readable = top.filter((line) => readability(line) >= READABLE);
  let best: OcrLine | undefined;
  if (haveGeometry) {
    const pool = readable.length > 0 ? readable : top;
    const tallest = Math.max(...pool.map((line) => line.height ?? 0));
    // Anything within 15 % of the tallest counts as "the largest"; the earliest wins.
    best = pool.find((line) => (line.height ?? 0) >= tallest * 0.85);
  } else {
    best = readable[0] ?? top[0];
  }
  let bestReadable = best !== undefined && readability(best) >= READABLE;

  // The shop's name is printed right above its address: a readable name line directly
  // followed by a street or postcode line beats a larger line that is not (an
  // advertisement over the header), unless that one is clearly larger.
  const anchored = readable.find((line) => {
    const next = lines[lines.indexOf(line) + 1];
    return next !== undefined && isAddress(next.text);
  });
  if (anchored && best !== anchored) {
    const clearlyLarger =
      bestReadable && (best?.height ?? 0) >= (anchored.height ?? Number.POSITIVE_INFINITY) * 1.5;
    if (!clearlyLarger) {
      best = anchored;
      bestReadable = true;
    }
  }

  // A legal name in the header ("toom Baumarkt mbH", "real GmbH") beats a slogan or a
  // logo fragment, unless a readable line is clearly larger (the brand over its company).
  const legalTop = top.find(isLegal);
  if (legalTop && best !== legalTop) {
    const clearlyLarger =
      bestReadable && (best?.height ?? 0) >= (legalTop.height ?? Number.POSITIVE_INFINITY) * 1.5;
    if (!clearlyLarger) {
      return { name: normaliseName(cutAfterLegalForm(legalTop.text)), confidence: 0.75 };
    }
  }
  if (best && bestReadable) {
    const prominence = haveGeometry ? 0.2 : 0;
    return { name: normaliseName(cutAfterLegalForm(best.text)), confidence: 0.6 + prominence };
  }
  // The header was unreadable: a legal name further down, then the web address.
  const legalAnywhere = lines.find(isLegal);
  if (legalAnywhere) {
    return { name: normaliseName(cutAfterLegalForm(legalAnywhere.text)), confidence: 0.6 };
  }
  for (const line of lines) {
    const domain = domainName(line.text);
    if (domain) return { name: domain, confidence: 0.5 };
  }
  return best ? { name: normaliseName(best.text), confidence: 0.25 } : null;
}
