// The Romanian chart of accounts (OMFP 1802/2014, classes 1–7) that every demo company uses.

/** A = active (debit balance), P = passive (credit balance), B = bifunctional (either). */
export type AccountKind = "A" | "P" | "B";
export type AccountLevel = "synthetic1" | "synthetic2" | "analytic";

export interface ChartAccount {
  code: string;
  name: string;
  kind: AccountKind;
}

/**
 * Synthetic accounts only (3 and 4 digits). Analytic accounts (`401.00012`, `4111.00003`,
 * `5121.01`) are added per company for its partners and banks. Some accounts are here for the
 * nomenclature (data entry proposes entries from it) even though the generator never posts to them.
 */
export const CHART_OF_ACCOUNTS: readonly ChartAccount[] = [
  { code: "101", name: "Capital", kind: "P" },
  { code: "1012", name: "Capital subscris vărsat", kind: "P" },
  { code: "117", name: "Rezultatul reportat", kind: "B" },
  { code: "121", name: "Profit sau pierdere", kind: "B" },
  { code: "213", name: "Instalații tehnice și mașini", kind: "A" },
  {
    code: "2131",
    name: "Echipamente tehnologice (mașini, utilaje și instalații de lucru)",
    kind: "A",
  },
  { code: "281", name: "Amortizări privind imobilizările corporale", kind: "P" },
  { code: "2813", name: "Amortizarea instalațiilor și mijloacelor de transport", kind: "P" },
  { code: "371", name: "Mărfuri", kind: "A" },
  { code: "401", name: "Furnizori", kind: "P" },
  { code: "411", name: "Clienți", kind: "A" },
  { code: "4111", name: "Clienți", kind: "A" },
  { code: "421", name: "Personal - salarii datorate", kind: "P" },
  { code: "431", name: "Asigurări sociale", kind: "P" },
  { code: "436", name: "Contribuția asiguratorie pentru muncă", kind: "P" },
  { code: "442", name: "Taxa pe valoarea adăugată", kind: "B" },
  { code: "4423", name: "TVA de plată", kind: "P" },
  { code: "4424", name: "TVA de recuperat", kind: "A" },
  { code: "4426", name: "TVA deductibilă", kind: "A" },
  { code: "4427", name: "TVA colectată", kind: "P" },
  { code: "4428", name: "TVA neexigibilă", kind: "B" },
  { code: "444", name: "Impozitul pe venituri de natura salariilor", kind: "P" },
  { code: "462", name: "Creditori diverși", kind: "P" },
  { code: "512", name: "Conturi curente la bănci", kind: "A" },
  { code: "5121", name: "Conturi la bănci în lei", kind: "A" },
  { code: "531", name: "Casa", kind: "A" },
  { code: "5311", name: "Casa în lei", kind: "A" },
  { code: "542", name: "Avansuri de trezorerie", kind: "A" },
  { code: "581", name: "Viramente interne", kind: "A" },
  { code: "601", name: "Cheltuieli cu materiile prime", kind: "A" },
  { code: "602", name: "Cheltuieli cu materialele consumabile", kind: "A" },
  { code: "6022", name: "Cheltuieli privind combustibilii", kind: "A" },
  { code: "604", name: "Cheltuieli privind materialele nestocate", kind: "A" },
  { code: "605", name: "Cheltuieli privind utilitățile", kind: "A" },
  { code: "607", name: "Cheltuieli privind mărfurile", kind: "A" },
  { code: "611", name: "Cheltuieli cu întreținerea și reparațiile", kind: "A" },
  { code: "612", name: "Cheltuieli cu redevențele, locațiile de gestiune și chiriile", kind: "A" },
  { code: "623", name: "Cheltuieli de protocol, reclamă și publicitate", kind: "A" },
  { code: "624", name: "Cheltuieli cu transportul de bunuri și personal", kind: "A" },
  { code: "625", name: "Cheltuieli cu deplasări, detașări și transferări", kind: "A" },
  { code: "626", name: "Cheltuieli poștale și taxe de telecomunicații", kind: "A" },
  { code: "627", name: "Cheltuieli cu serviciile bancare și asimilate", kind: "A" },
  { code: "628", name: "Alte cheltuieli cu serviciile executate de terți", kind: "A" },
  { code: "635", name: "Cheltuieli cu alte impozite, taxe și vărsăminte asimilate", kind: "A" },
  { code: "641", name: "Cheltuieli cu salariile personalului", kind: "A" },
  { code: "646", name: "Cheltuieli privind contribuția asiguratorie pentru muncă", kind: "A" },
  {
    code: "681",
    name: "Cheltuieli de exploatare privind amortizările, provizioanele și ajustările pentru depreciere",
    kind: "A",
  },
  { code: "6811", name: "Cheltuieli de exploatare privind amortizarea imobilizărilor", kind: "A" },
  { code: "701", name: "Venituri din vânzarea produselor finite", kind: "P" },
  { code: "704", name: "Venituri din servicii prestate", kind: "P" },
  { code: "707", name: "Venituri din vânzarea mărfurilor", kind: "P" },
  { code: "766", name: "Venituri din dobânzi", kind: "P" },
];

export interface AccountPlacement {
  class: number;
  level: AccountLevel;
  parentCode: string | null;
}

/** Class, level and parent follow from the code itself: `5121.01` → class 5, analytic of 5121. */
export function placeAccount(code: string): AccountPlacement {
  const accountClass = Number(code[0]);
  const dot = code.indexOf(".");
  if (dot >= 0) return { class: accountClass, level: "analytic", parentCode: code.slice(0, dot) };
  if (code.length === 3) return { class: accountClass, level: "synthetic1", parentCode: null };
  return { class: accountClass, level: "synthetic2", parentCode: code.slice(0, 3) };
}

/** `401` + partner 12 → `401.00012`; `5121` + bank 1 → `5121.01`. */
export function analyticCode(parent: string, id: number, width: number): string {
  return `${parent}.${String(id).padStart(width, "0")}`;
}
