/** Sums and differences of amounts, in bani so floating point never drifts by a ban. */

import type { TreasuryFigures } from "@roa2web/reports-contract";
import { fromBani, toBani } from "../aging.js";

export function difference(a: number, b: number): number {
  return fromBani(toBani(a) - toBani(b));
}

export function sumFigures(rows: readonly TreasuryFigures[]): TreasuryFigures {
  const sum = (pick: (row: TreasuryFigures) => number) =>
    fromBani(rows.reduce((total, row) => total + toBani(pick(row)), 0));
  return {
    opening: sum((row) => row.opening),
    receipts: sum((row) => row.receipts),
    payments: sum((row) => row.payments),
    closing: sum((row) => row.closing),
  };
}
