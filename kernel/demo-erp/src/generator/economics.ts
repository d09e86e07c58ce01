// Sizes a company's costs from its sales, so every demo company stays plausibly profitable
// (roughly 10–20 % before tax) and its stock of goods neither empties nor piles up.
import {
  MONTHLY_SUPPLIERS,
  PURCHASE_CATEGORIES,
  type PurchaseCategory,
  type RevenueAccount,
  SALE_AMOUNTS,
} from "./profiles.js";

export interface CompanyLevels {
  revenueMix: ReadonlyArray<readonly [RevenueAccount, number]>;
  /** Sale and purchase invoices in an average month at scale 1. */
  saleLevel: number;
  purchaseLevel: number;
  /** Cost of goods sold, in percent of the net price. */
  costRatio: number;
}

export interface CompanyEconomics {
  /** Ordinary purchase categories with their relative frequency (zero-weight ones left out). */
  categories: ReadonlyArray<readonly [PurchaseCategory, number]>;
  /** Mean net amount (bani, at scale 1) of a goods and of a raw-materials purchase invoice. */
  goodsInvoiceMean: number;
  rawInvoiceMean: number;
  /** Goods cost leaving the stock in an average month (bani, at scale 1). */
  monthlyGoodsCost: number;
  /** Net revenue of an average month (bani, at scale 1). */
  monthlyRevenue: number;
  /** Share of revenue spent on gross salaries: services are labour, trade is not. */
  payrollShare: number;
}

/** Share of the net price of finished products (701) and services (704) spent on materials. */
const MATERIALS_SHARE = { "701": 0.5, "704": 0.25 } as const;

/** Mean of min + (max - min) * u² (the skewed amounts of Random.cents with skew 2), in bani. */
function skewedMean([min, max]: readonly [number, number]): number {
  return (min + (max - min) / 3) * 100;
}

export function companyEconomics(levels: CompanyLevels): CompanyEconomics {
  const share = (account: RevenueAccount): number =>
    levels.revenueMix.find(([code]) => code === account)?.[1] ?? 0;
  const categories = PURCHASE_CATEGORIES.map((category): readonly [PurchaseCategory, number] => {
    if (category.key === "goods")
      return [category, share("707") > 0 ? 0.9 * share("707") + 0.05 : 0];
    if (category.key === "raw") return [category, 0.5 * share("701") + 0.25 * share("704")];
    return [category, category.weight];
  }).filter(([, weight]) => weight > 0);

  const totalWeight = categories.reduce((sum, [, weight]) => sum + weight, 0);
  const ordinaryPerMonth = Math.max(1, levels.purchaseLevel - MONTHLY_SUPPLIERS.length);
  const invoicesOf = (key: string): number =>
    (ordinaryPerMonth * (categories.find(([category]) => category.key === key)?.[1] ?? 0)) /
    totalWeight;

  const salesOf = (account: RevenueAccount): number =>
    levels.saleLevel * share(account) * skewedMean(SALE_AMOUNTS[account]);
  const monthlyGoodsCost = (salesOf("707") * levels.costRatio) / 100;
  const monthlyRawCost =
    salesOf("701") * MATERIALS_SHARE["701"] + salesOf("704") * MATERIALS_SHARE["704"];
  const goodsInvoices = invoicesOf("goods");
  const rawInvoices = invoicesOf("raw");

  return {
    categories,
    goodsInvoiceMean: goodsInvoices > 0 ? monthlyGoodsCost / goodsInvoices : 0,
    rawInvoiceMean: rawInvoices > 0 ? monthlyRawCost / rawInvoices : 0,
    monthlyGoodsCost,
    monthlyRevenue: salesOf("701") + salesOf("704") + salesOf("707"),
    payrollShare: 0.08 + 0.25 * share("704") + 0.12 * share("701"),
  };
}
