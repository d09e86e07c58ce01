// What each demo company sells and buys: the business shapes that make three companies differ.

export type RevenueAccount = "701" | "704" | "707";

export interface CompanyProfile {
  code: string;
  name: string;
  city: string;
  /** Share of sale invoices booked on each revenue account. */
  revenueMix: ReadonlyArray<readonly [RevenueAccount, number]>;
  /** What the company writes on its invoices for services (704). */
  services: readonly string[];
}

export const COMPANY_PROFILES: readonly CompanyProfile[] = [
  {
    code: "NORD",
    name: "Nord Construct SRL",
    city: "Cluj-Napoca",
    revenueMix: [
      ["704", 0.6],
      ["707", 0.25],
      ["701", 0.15],
    ],
    services: [
      "Lucrări de construcții",
      "Manoperă montaj",
      "Servicii de proiectare",
      "Lucrări de renovare",
    ],
  },
  {
    code: "CARP",
    name: "Carpați Distribuție SRL",
    city: "Brașov",
    revenueMix: [
      ["707", 0.8],
      ["704", 0.2],
    ],
    services: ["Servicii de transport", "Servicii de depozitare", "Servicii logistice"],
  },
  {
    code: "DUNA",
    name: "Dunărea Agro Prod SA",
    city: "Galați",
    revenueMix: [
      ["701", 0.6],
      ["707", 0.3],
      ["704", 0.1],
    ],
    services: ["Servicii agricole", "Prestări servicii mecanizare", "Servicii de uscare cereale"],
  },
  {
    code: "VEST",
    name: "Vest Logistic SRL",
    city: "Timișoara",
    revenueMix: [
      ["704", 0.75],
      ["707", 0.25],
    ],
    services: ["Transport marfă", "Servicii de expediție", "Închiriere utilaje"],
  },
  {
    code: "MOLD",
    name: "Moldova Tehno Serv SRL",
    city: "Iași",
    revenueMix: [
      ["704", 0.5],
      ["707", 0.5],
    ],
    services: ["Servicii IT", "Mentenanță echipamente", "Instalare rețele"],
  },
  {
    code: "OLTE",
    name: "Oltenia Food Com SRL",
    city: "Craiova",
    revenueMix: [
      ["707", 0.55],
      ["701", 0.45],
    ],
    services: ["Servicii catering", "Servicii de ambalare"],
  },
];

export const REVENUE_LABELS: Record<RevenueAccount, string> = {
  "701": "Vânzare produse finite",
  "704": "Prestări servicii",
  "707": "Vânzare mărfuri",
};

/** Net amount ranges in lei per sale invoice; skew 2 makes most invoices small, a few large. */
export const SALE_AMOUNTS: Record<RevenueAccount, readonly [number, number]> = {
  "701": [2_000, 50_000],
  "704": [800, 35_000],
  "707": [1_500, 45_000],
};

/** VAT rates in percent, with how often each appears on invoices. */
export const VAT_MIX: ReadonlyArray<readonly [number, number]> = [
  [19, 0.85],
  [9, 0.1],
  [5, 0.05],
];

/** A kind of purchase: which expense (or stock) account it debits and how big it usually is. */
export interface PurchaseCategory {
  key: string;
  account: string;
  label: string;
  minLei: number;
  maxLei: number;
  /** Relative frequency among the ordinary (not monthly) purchases. */
  weight: number;
  vatMix: ReadonlyArray<readonly [number, number]>;
}

const STANDARD_VAT: ReadonlyArray<readonly [number, number]> = [[19, 1]];

/** Goods and raw materials take weight and amounts from the company's sales (see economics.ts). */
export const PURCHASE_CATEGORIES: readonly PurchaseCategory[] = [
  {
    key: "goods",
    account: "371",
    label: "Achiziție mărfuri",
    minLei: 0,
    maxLei: 0,
    weight: 0,
    vatMix: [
      [19, 0.85],
      [9, 0.15],
    ],
  },
  {
    key: "raw",
    account: "601",
    label: "Materii prime",
    minLei: 0,
    maxLei: 0,
    weight: 0,
    vatMix: [
      [19, 0.8],
      [9, 0.2],
    ],
  },
  {
    key: "fuel",
    account: "6022",
    label: "Combustibil",
    minLei: 150,
    maxLei: 2_500,
    weight: 0.12,
    vatMix: STANDARD_VAT,
  },
  {
    key: "supplies",
    account: "604",
    label: "Materiale nestocate",
    minLei: 80,
    maxLei: 2_500,
    weight: 0.08,
    vatMix: STANDARD_VAT,
  },
  {
    key: "repairs",
    account: "611",
    label: "Reparații și întreținere",
    minLei: 300,
    maxLei: 8_000,
    weight: 0.06,
    vatMix: STANDARD_VAT,
  },
  {
    key: "marketing",
    account: "623",
    label: "Publicitate și protocol",
    minLei: 500,
    maxLei: 10_000,
    weight: 0.04,
    vatMix: STANDARD_VAT,
  },
  {
    key: "transport",
    account: "624",
    label: "Transport marfă",
    minLei: 300,
    maxLei: 6_000,
    weight: 0.08,
    vatMix: STANDARD_VAT,
  },
  {
    key: "services",
    account: "628",
    label: "Servicii contabilitate și IT",
    minLei: 500,
    maxLei: 7_000,
    weight: 0.05,
    vatMix: STANDARD_VAT,
  },
];

/** Suppliers that bill once a month for the same thing (rent, utilities, telephone). */
export interface MonthlySupplier {
  name: string;
  account: string;
  label: string;
  minLei: number;
  maxLei: number;
  vatRate: number;
}

export const MONTHLY_SUPPLIERS: readonly MonthlySupplier[] = [
  {
    name: "Imobiliara Centrum SRL",
    account: "612",
    label: "Chirie spațiu",
    minLei: 4_000,
    maxLei: 15_000,
    vatRate: 19,
  },
  {
    name: "Energo Furnizare SA",
    account: "605",
    label: "Energie electrică",
    minLei: 800,
    maxLei: 6_000,
    vatRate: 19,
  },
  {
    name: "Aqua Serv Urban SA",
    account: "605",
    label: "Apă și canalizare",
    minLei: 150,
    maxLei: 1_200,
    vatRate: 9,
  },
  {
    name: "TelecomNet Comunicații SA",
    account: "626",
    label: "Servicii telecomunicații",
    minLei: 300,
    maxLei: 1_500,
    vatRate: 19,
  },
];

/** Invoices per month swing with the season: quiet January and August, busy autumn and December. */
export const MONTH_SEASON = [
  0.8, 0.85, 0.95, 1, 1.05, 1.05, 1, 0.85, 1.05, 1.1, 1.1, 1.15,
] as const;

export const MONTH_NAMES_RO = [
  "ianuarie",
  "februarie",
  "martie",
  "aprilie",
  "mai",
  "iunie",
  "iulie",
  "august",
  "septembrie",
  "octombrie",
  "noiembrie",
  "decembrie",
] as const;
