// The clients and suppliers of one company, each with the habits that drive its invoices.
import { CITIES, type PartnerNames, type TaxIds } from "./identity.js";
import {
  CLIENT_BEHAVIOUR_MIX,
  type ClientBehaviour,
  SUPPLIER_BEHAVIOUR_MIX,
  type SupplierBehaviour,
} from "./payment-plans.js";
import type { MonthlySupplier, PurchaseCategory } from "./profiles.js";
import type { Random } from "./random.js";

export interface Client {
  id: number;
  name: string;
  taxId: string;
  city: string;
  /** The analytic receivable account, `4111.<id>`. */
  account: string;
  /** How often this client buys compared to the others (a few big clients, many small). */
  weight: number;
  termDays: number;
  behaviour: ClientBehaviour;
  /** Small shops that settle small invoices at the till. */
  paysCash: boolean;
}

export interface Supplier {
  id: number;
  name: string;
  taxId: string;
  city: string;
  /** The analytic payable account, `401.<id>`. */
  account: string;
  weight: number;
  termDays: number;
  behaviour: SupplierBehaviour;
  paysCash: boolean;
  /** Ordinary suppliers bill a category; monthly ones (rent, utilities) bill a fixed service. */
  category: PurchaseCategory | null;
  monthly: MonthlySupplier | null;
  /** Base monthly amount in bani and the day of the month it is billed, for monthly suppliers. */
  monthlyCents: number;
  monthlyDay: number;
  /** The supplier's own invoice series and its next number (it bills other customers too). */
  series: string;
  nextNumber: number;
}

const PAYMENT_TERMS: ReadonlyArray<readonly [number, number]> = [
  [15, 0.2],
  [30, 0.45],
  [45, 0.2],
  [60, 0.15],
];

function pad5(id: number): string {
  return String(id).padStart(5, "0");
}

function invoiceSeries(name: string, rng: Random): string {
  const initials = name
    .split(/\s+/)
    .filter((word) => word !== "SRL" && word !== "SA")
    .map((word) => word[0] ?? "")
    .join("")
    .toUpperCase()
    .slice(0, 3);
  return `${initials}${String.fromCharCode(65 + rng.int(0, 25))}`;
}

export function createClients(
  rng: Random,
  count: number,
  nextId: () => number,
  names: PartnerNames,
  taxIds: TaxIds,
): Client[] {
  const clients: Client[] = [];
  for (let i = 0; i < count; i++) {
    const id = nextId();
    clients.push({
      id,
      name: names.next(),
      taxId: taxIds.next(),
      city: rng.pick(CITIES),
      account: `4111.${pad5(id)}`,
      weight: 0.2 + 5 * rng.next() ** 3,
      termDays: rng.weighted(PAYMENT_TERMS),
      behaviour: rng.weighted(CLIENT_BEHAVIOUR_MIX),
      paysCash: rng.chance(0.15),
    });
  }
  return clients;
}

export function createSuppliers(
  rng: Random,
  categories: ReadonlyArray<readonly [PurchaseCategory, number]>,
  ordinaryCount: number,
  monthly: readonly MonthlySupplier[],
  moneyScale: number,
  nextId: () => number,
  names: PartnerNames,
  taxIds: TaxIds,
): Supplier[] {
  const suppliers: Supplier[] = [];
  const add = (
    name: string,
    category: PurchaseCategory | null,
    fixed: MonthlySupplier | null,
  ): void => {
    const id = nextId();
    const smallPurchases = category?.key === "fuel" || category?.key === "supplies";
    suppliers.push({
      id,
      name,
      taxId: taxIds.next(),
      city: rng.pick(CITIES),
      account: `401.${pad5(id)}`,
      weight: 0.3 + 3 * rng.next() ** 2,
      termDays: fixed ? 15 : rng.weighted(PAYMENT_TERMS),
      // Rent and utilities are paid on time: a cut-off costs more than a late fee.
      behaviour: fixed ? "on-time" : rng.weighted(SUPPLIER_BEHAVIOUR_MIX),
      paysCash: rng.chance(smallPurchases ? 0.6 : 0.1),
      category,
      monthly: fixed,
      monthlyCents: fixed ? rng.cents(fixed.minLei * moneyScale, fixed.maxLei * moneyScale) : 0,
      monthlyDay: rng.int(1, 12),
      series: invoiceSeries(name, rng),
      nextNumber: rng.int(100, 5_000),
    });
  };
  for (const fixed of monthly) add(names.reserve(fixed.name), null, fixed);
  // Every category the company buys gets at least one supplier; the rest follow the weights.
  for (const [category] of categories) add(names.next(), category, null);
  for (let i = categories.length; i < ordinaryCount; i++)
    add(names.next(), rng.weighted(categories), null);
  return suppliers;
}
