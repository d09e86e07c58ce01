// When and how much each invoice will be paid, decided at issue so the mix of paid, partly paid
// and overdue invoices is realistic; dates past the end date simply never happen.
import type { Day } from "./calendar.js";
import type { Random } from "./random.js";

/** cents = null means "whatever is still owed on that day". */
export interface PlannedPayment {
  day: Day;
  cents: number | null;
}

/**
 * A healthy distributor's clients: most pay within terms, some a little late, a few chronic
 * late payers who still pay in the end (after reminders, in instalments, or once a dispute is
 * settled). No invoice is left unpaid for good: a firm would provision and chase it, and a demo
 * whose aging is mostly "over 90 days" reads as a firm in trouble.
 */
export type ClientBehaviour = "prompt" | "late" | "chronic";
export type SupplierBehaviour = "on-time" | "late" | "disputed";

export const CLIENT_BEHAVIOUR_MIX: ReadonlyArray<readonly [ClientBehaviour, number]> = [
  ["prompt", 0.75],
  ["late", 0.18],
  ["chronic", 0.07],
];

export const SUPPLIER_BEHAVIOUR_MIX: ReadonlyArray<readonly [SupplierBehaviour, number]> = [
  ["on-time", 0.8],
  ["late", 0.15],
  ["disputed", 0.05],
];

/** A part of the total strictly between 0 and the total (an instalment). */
function part(rng: Random, total: number, minShare: number, maxShare: number): number {
  const cents = Math.round(total * (minShare + (maxShare - minShare) * rng.next()));
  return Math.min(total - 1, Math.max(1, cents));
}

function atLeast(day: Day, earliest: Day): Day {
  return day < earliest ? earliest : day;
}

/** How a client of the given behaviour pays one invoice. */
export function planClientPayments(
  rng: Random,
  behaviour: ClientBehaviour,
  issue: Day,
  due: Day,
  total: number,
): PlannedPayment[] {
  const term = due - issue;
  const plan: PlannedPayment[] = [];
  const canSplit = total >= 2;
  const roll = rng.next();
  switch (behaviour) {
    case "prompt":
      if (roll < 0.85 || !canSplit) {
        // Within terms, mostly in the second half of them, as a treasurer schedules transfers.
        plan.push({ day: issue + Math.round(term * (0.5 + 0.5 * rng.next())), cents: null });
      } else if (roll < 0.93) {
        plan.push({
          day: issue + Math.round(term * 0.4 * rng.next()),
          cents: part(rng, total, 0.3, 0.7),
        });
        plan.push({ day: due - rng.int(0, 3), cents: null });
      } else {
        plan.push({ day: due + rng.int(1, 7), cents: null });
      }
      break;
    case "late":
      if (roll < 0.75 || !canSplit) {
        plan.push({ day: due + rng.int(1, 20), cents: null });
      } else {
        plan.push({ day: due + rng.int(0, 10), cents: part(rng, total, 0.3, 0.6) });
        plan.push({ day: due + rng.int(10, 40), cents: null });
      }
      break;
    case "chronic":
      if (roll < 0.6 || !canSplit) {
        plan.push({ day: due + rng.int(30, 100), cents: null });
      } else if (roll < 0.9) {
        plan.push({ day: due + rng.int(10, 60), cents: part(rng, total, 0.2, 0.6) });
        plan.push({ day: due + rng.int(60, 150), cents: null });
      } else {
        // Disputed: part paid, the rest once the dispute is settled.
        plan.push({ day: due + rng.int(30, 90), cents: part(rng, total, 0.3, 0.7) });
        plan.push({ day: due + rng.int(150, 240), cents: null });
      }
      break;
  }
  return plan.map((p) => ({ day: atLeast(p.day, issue), cents: p.cents }));
}

/** How the company itself pays a supplier invoice (before any delay for lack of money). */
export function planSupplierPayments(
  rng: Random,
  behaviour: SupplierBehaviour,
  issue: Day,
  due: Day,
  total: number,
): PlannedPayment[] {
  const plan: PlannedPayment[] = [];
  const canSplit = total >= 2;
  switch (behaviour) {
    case "on-time":
      if (rng.chance(0.9) || !canSplit) {
        plan.push({ day: due - rng.int(0, 5), cents: null });
      } else {
        plan.push({
          day: issue + rng.int(0, Math.max(0, due - issue - 1)),
          cents: part(rng, total, 0.3, 0.6),
        });
        plan.push({ day: due, cents: null });
      }
      break;
    case "late":
      plan.push({ day: due + rng.int(5, 45), cents: null });
      break;
    case "disputed":
      if (rng.chance(0.5) && canSplit) {
        plan.push({ day: due, cents: part(rng, total, 0.3, 0.7) });
      } else {
        plan.push({ day: due + rng.int(60, 180), cents: null });
      }
      break;
  }
  return plan.map((p) => ({ day: atLeast(p.day, issue), cents: p.cents }));
}
