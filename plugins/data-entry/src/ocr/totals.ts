// Finds the amount due and the VAT on a receipt. The total is the hard field: several
// amounts sit near total-like words (cash given, change, VAT, net), so candidates are
// scored by their keyword and then cross-checked against the VAT table
// (net + VAT = gross), against cash given − change, and against each other.
import { type AmountMatch, cents, findAmounts, sameAmount } from "./amounts.js";
import { fold } from "./text.js";

interface Keyword {
  pattern: RegExp;
  weight: number;
}

// Words that announce the amount due, strongest first (matched on folded text).
const TOTAL_KEYWORDS: Keyword[] = [
  { pattern: /ZU\s?ZAHLEN|ZAHLBETRAG|TOTAL\s+(DE\s+)?PLATA|A\s+PLATI/, weight: 1 },
  {
    pattern: /GESAMTBETRAG|GESAMTSUMME|ENDSUMME|RECHNUNGSBETRAG|TOTAL\s+(EUR|LEI|RON)/,
    weight: 0.95,
  },
  { pattern: /(?<!ZWISCHEN)SUMME|(?<!SUB)TOTAL|\bSUMA\b/, weight: 0.9 },
  { pattern: /GESAMT|\bSUM\b/, weight: 0.85 },
  { pattern: /ZWISCHENSUMME|SUBTOTAL/, weight: 0.5 },
  { pattern: /\bBETRAG\b|\bEUR\b|\bLEI\b/, weight: 0.45 },
];

// Payment lines: usually the amount due, but cash given can be more.
const PAYMENT =
  /EC[\s-]?CASH|GIROCARD|KARTENZAHLUNG|KARTE\b|MAESTRO|V\s?PAY|VISA|MASTERCARD|\bCARD\b|KREDITKARTE|GEZAHLT|\bBAR\b|BARZAHLUNG|BARGELD|GEGEBEN|NUMERAR|\bCASH\b/;
const CASH_GIVEN = /\bBAR\b|BARGELD|GEGEBEN|NUMERAR|\bCASH\b/;
const CHANGE = /RUCKGELD|RUECKGELD|ZURUCK|ZURUECK|WECHSELGELD|\bRETUR\b|\bREST\b|\bCHANGE\b/;
const VAT_WORD = /MWST|MW\.?-?\s?ST|\bUST\b|STEUER|\bTVA\b|\bVAT\b|\bT\.V\.A/;
// Lines whose amounts are never the amount due.
const NEVER_TOTAL =
  /NETTO|\bNET\b|RABATT|PFAND|ARTIKEL|ANZAHL|BONUS|PUNKTE|ERSPARNIS|GESPART|REDUCERE|DISCOUNT|\bST(UCK|K)\b|KG\b|\bX\b/;

export interface VatRow {
  rate: number | null;
  net: number | null;
  vat: number;
  gross: number | null;
  /** True when net + VAT = gross was checked on the row. */
  verified: boolean;
}

export interface VatMatch {
  vat: number;
  rows: VatRow[];
  confidence: number;
}

export interface TotalMatch {
  total: number;
  confidence: number;
}

const RATE = /(\d{1,2})(?:[.,](\d{1,2}))?\s?%/;

function rateOf(line: string): number | null {
  const match = line.match(RATE);
  if (!match) return null;
  const rate = Number(`${match[1]}.${match[2] ?? "0"}`);
  return rate > 0 && rate < 30 ? rate : null;
}

function vatRow(rate: number | null, amounts: number[]): VatRow | null {
  const positive = amounts.filter((value) => value > 0);
  // net + vat = gross, with vat ≈ rate × net when the rate is known.
  for (const gross of positive) {
    for (const net of positive) {
      for (const vat of positive) {
        if (net === gross || vat === gross || vat >= net) continue;
        if (!sameAmount(net + vat, gross)) continue;
        if (rate !== null && Math.abs(net * (rate / 100) - vat) > 0.02 + net * 0.005) continue;
        return { rate, net, vat, gross, verified: true };
      }
    }
  }
  if (rate === null) return null;
  // Two amounts: (net, vat) or (gross, vat) judged by the rate.
  for (const base of positive) {
    for (const vat of positive) {
      if (vat >= base) continue;
      if (Math.abs(base * (rate / 100) - vat) <= 0.011 + base * 0.002) {
        return { rate, net: base, vat, gross: cents(base + vat), verified: false };
      }
      if (Math.abs((base * rate) / (100 + rate) - vat) <= 0.011 + base * 0.002) {
        return { rate, net: cents(base - vat), vat, gross: base, verified: false };
      }
    }
  }
  return null;
}

export function findVat(lines: readonly string[]): VatMatch | null {
  const rows: VatRow[] = [];
  let statedTotal: number | null = null;
  let single: number | null = null;
  for (const line of lines) {
    const folded = fold(line);
    const amounts = findAmounts(line).map((match) => match.value);
    const rate = rateOf(folded);
    const vatWord = VAT_WORD.test(folded);
    if (amounts.length === 0 || (rate === null && !vatWord)) continue;
    const row = vatRow(rate, amounts);
    if (row) {
      if (!rows.some((other) => other.rate === row.rate && other.vat === row.vat)) rows.push(row);
      continue;
    }
    if (vatWord && amounts.length === 1) {
      const value = amounts[0] ?? 0;
      if (/SUMME|TOTAL|GESAMT/.test(folded)) statedTotal ??= value;
      else single ??= value;
    }
  }
  if (statedTotal !== null) {
    return { vat: statedTotal, rows, confidence: rows.length > 0 ? 0.9 : 0.7 };
  }
  if (rows.length > 0) {
    const vat = cents(rows.reduce((sum, row) => sum + row.vat, 0));
    return { vat, rows, confidence: rows.every((row) => row.verified) ? 0.85 : 0.65 };
  }
  if (single !== null) return { vat: single, rows, confidence: 0.45 };
  return null;
}

interface Candidate {
  value: number;
  score: number;
  lines: Set<number>;
}

function lastAmount(amounts: AmountMatch[]): number | null {
  const last = amounts.at(-1);
  return last ? last.value : null;
}

export function findTotal(lines: readonly string[], vat: VatMatch | null): TotalMatch | null {
  const candidates = new Map<number, Candidate>();
  const add = (value: number, score: number, line: number) => {
    if (value <= 0 || value > 1_000_000) return;
    const key = cents(value);
    const existing = candidates.get(key);
    if (existing) {
      if (!existing.lines.has(line)) {
        existing.lines.add(line);
        existing.score = Math.max(existing.score, score) + 0.15;
      }
    } else {
      candidates.set(key, { value: key, score, lines: new Set([line]) });
    }
  };

  let cashGiven: number | null = null;
  let change: number | null = null;
  lines.forEach((line, index) => {
    const folded = fold(line);
    if (VAT_WORD.test(folded) || RATE.test(folded)) return;
    let amounts = findAmounts(line);
    // "SUMME" alone on its line, the amount on the next one.
    const next = lines[index + 1];
    // Only a line that is just the amount ("EUR 45,10"), not the next labelled line.
    const amountBelow =
      amounts.length === 0 &&
      next !== undefined &&
      (next.match(/\p{L}/gu)?.length ?? 0) <= 4 &&
      !CHANGE.test(fold(next));
    if (amountBelow) amounts = findAmounts(next);
    const value = lastAmount(amounts);
    if (value === null) return;
    if (CHANGE.test(folded)) {
      change ??= value;
      return;
    }
    if (NEVER_TOTAL.test(folded)) return;
    const keyword = TOTAL_KEYWORDS.find((candidate) => candidate.pattern.test(folded));
    const payment = PAYMENT.test(folded);
    if (payment && CASH_GIVEN.test(folded)) cashGiven ??= value;
    const weight = Math.max(keyword?.weight ?? 0, payment ? 0.55 : 0);
    if (weight > 0) add(value, weight - (amountBelow ? 0.1 : 0), index);
  });

  const cashMinusChange =
    cashGiven !== null && change !== null && change < cashGiven ? cents(cashGiven - change) : null;
  if (cashMinusChange !== null) {
    const existing = candidates.get(cashMinusChange);
    if (existing) existing.score += 0.35;
    else candidates.set(cashMinusChange, { value: cashMinusChange, score: 0.6, lines: new Set() });
    // Cash handed over is not the amount due when change was given back.
    const given = cashGiven === null ? undefined : candidates.get(cents(cashGiven));
    if (given) given.score -= 0.4;
  }

  const grossSum =
    vat && vat.rows.length > 0 && vat.rows.every((row) => row.gross !== null)
      ? cents(vat.rows.reduce((sum, row) => sum + (row.gross ?? 0), 0))
      : null;
  if (grossSum !== null) {
    const existing = candidates.get(grossSum);
    if (existing) existing.score += vat?.rows.every((row) => row.verified) ? 0.5 : 0.3;
  }

  const list = [...candidates.values()];
  if (list.length > 0) {
    // The amount due is usually the largest of the plausible ones.
    const largest = Math.max(...list.filter((c) => c.score >= 0.8).map((c) => c.value));
    for (const candidate of list) {
      if (candidate.value === largest) candidate.score += 0.1;
      if (vat && candidate.value < vat.vat) candidate.score -= 0.5;
    }
    list.sort((a, b) => b.score - a.score || b.value - a.value);
    const [best, second] = list;
    if (best && best.score > 0.3) {
      const margin = second ? best.score - second.score : 0.3;
      const confidence = Math.min(0.99, 0.35 + best.score * 0.35 + Math.min(margin, 0.4) * 0.5);
      return { total: best.value, confidence: Math.round(confidence * 100) / 100 };
    }
  }
  if (grossSum !== null) return { total: grossSum, confidence: 0.5 };
  if (cashMinusChange !== null) return { total: cashMinusChange, confidence: 0.45 };
  return null;
}
